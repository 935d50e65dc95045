# SPDX-License-Identifier: GPL-2.0-only
"""tools/lib/idreg_answer.py on answers shaped as docs/idreg.md gives them."""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idreg_answer  # noqa: E402

ANSWER = {
    "format": "idregs-compare-1",
    "problems": [
        {"message": "KVM refuses: ...", "register": "ID_MMFR0_EL1", "bits": "0x0000000000300000"},
        {"message": "sve=on: QEMU stops: ...", "feature": "sve"},
        {"message": "KVM refuses: ...", "register": "ID_AA64MMFR0_EL1", "bits": "0x1"},
        {"message": "again", "register": "ID_MMFR0_EL1", "bits": "0x2"},
    ],
    "notes": [{"message": "a note", "register": "MIDR_EL1"}],
}


class IdregAnswer(unittest.TestCase):
    def run_on(self, answer, *args):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(answer, f)
        out = io.StringIO()
        try:
            with redirect_stdout(out):
                rc = idreg_answer.main([args[0], f.name, *args[1:]])
        finally:
            os.unlink(f.name)
        return rc, out.getvalue().splitlines()

    def test_registers_of_the_lists_asked_sorted_once(self):
        self.assertEqual(self.run_on(ANSWER, "registers", "problems"),
                         (0, ["ID_AA64MMFR0_EL1", "ID_MMFR0_EL1"]))
        self.assertEqual(self.run_on(ANSWER, "registers", "problems", "notes")[1],
                         ["ID_AA64MMFR0_EL1", "ID_MMFR0_EL1", "MIDR_EL1"])

    def test_field_registers_only_of_messages_about_a_field(self):
        answer = {"format": "idregs-baseline-1", "blocking": [
            {"message": "m", "register": "MIDR_EL1", "bits": "0xffffffffffffffff"},
            {"message": "f", "register": "ID_AA64MMFR2_EL1", "bits": "0xf",
             "property": "SYSREG_ID_AA64MMFR2_EL1_EVT"}]}
        self.assertEqual(self.run_on(answer, "field-registers", "blocking"),
                         (0, ["ID_AA64MMFR2_EL1"]))

    def test_kvm_regs_by_id_with_their_names(self):
        answer = {"format": "idregs-migrate-1", "problems": [
            {"message": "w3", "register": "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3",
             "bits": "0x3", "kvm_reg": "0x6030000000140003"},
            {"message": "id", "register": "ID_PFR0_EL1", "bits": "0x1"},
            {"message": "psci", "register": "KVM_REG_ARM_PSCI_VERSION",
             "bits": "0x1", "kvm_reg": "0x6030000000140000"}]}
        self.assertEqual(self.run_on(answer, "kvm-regs", "problems"),
                         (0, ["0x6030000000140000 KVM_REG_ARM_PSCI_VERSION",
                              "0x6030000000140003 KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3"]))

    def test_features(self):
        self.assertEqual(self.run_on(ANSWER, "features", "problems"), (0, ["sve"]))

    def test_messages_as_comments(self):
        self.assertEqual(self.run_on(ANSWER, "messages", "notes"), (0, ["# a note"]))

    def test_a_missing_list_is_empty(self):
        self.assertEqual(self.run_on(ANSWER, "registers", "blocking"), (0, []))

    def test_qemu_refused_named_by_the_list(self):
        with tempfile.TemporaryDirectory() as d:
            err, lst = os.path.join(d, "err"), os.path.join(d, "list.json")
            with open(err, "w", encoding="utf-8") as f:
                f.write("qemu-system-aarch64: Could not set register system register "
                        "op0:3 op1:0 crn:0 crm:7 op2:2 to 1011 (is 1221011110011011)\n"
                        "qemu-system-aarch64: Could not set register system register "
                        "op0:3 op1:3 crn:0 crm:0 op2:1 to b444c004 (is 9444c004)\n"
                        "qemu-system-aarch64: Could not set register fw reg 3 to 2 (is 1)\n"
                        "qemu-system-aarch64: handle_cpreg_only_in_incoming_stream: system "
                        "register op0:3 op1:0 crn:1 crm:2 op2:0 in the incoming stream\n"
                        "qemu-system-aarch64: Could not set register system register "
                        "op0:3 op1:0 crn:0 crm:7 op2:2 to 1011 (is 1)\n")
            with open(lst, "w", encoding="utf-8") as f:
                json.dump({"format": "idregs-list-1", "registers": [
                    {"name": "ID_AA64MMFR2_EL1", "key": "S3_0_C0_C7_2"},
                    {"name": "CTR_EL0", "key": "S3_3_C0_C0_1"}]}, f)
            out = io.StringIO()
            with redirect_stdout(out):
                rc = idreg_answer.main(["qemu-refused", err, lst])
        self.assertEqual((rc, out.getvalue().splitlines()),
                         (0, ["CTR_EL0", "ID_AA64MMFR2_EL1"]))

    def test_not_an_answer(self):
        with redirect_stdout(io.StringIO()), \
                open(os.devnull, "w", encoding="utf-8") as null:
            old, sys.stderr = sys.stderr, null
            try:
                self.assertEqual(self.run_on({"x": 1}, "registers", "problems")[0], 2)
            finally:
                sys.stderr = old


if __name__ == "__main__":
    unittest.main()
