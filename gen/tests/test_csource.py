import unittest

from idregs_gen import csource
from idregs_gen.model import GenError


class Lexer(unittest.TestCase):
    def test_comments_blanked_offsets_kept(self):
        text = "a /* x\ny */ b // z\nc"
        out = csource.blank_comments(text)
        self.assertEqual(len(out), len(text))
        self.assertEqual(out.split(), ["a", "b", "c"])
        self.assertEqual(out.count("\n"), 2)

    def test_comment_markers_in_literals_are_not_comments(self):
        text = 'p("/* no", \'/\'); /* yes */ q("// no");'
        out = csource.blank_comments(text)
        self.assertIn('"/* no"', out)
        self.assertIn('"// no"', out)
        self.assertNotIn("yes", out)

    def test_closing_skips_literals(self):
        text = 'f("(}", \')\', g(x)) tail'
        self.assertEqual(csource.closing(text, 2, "(", ")"), text.index(" tail") - 1)
        self.assertEqual(csource.closing("(never", 1, "(", ")"), -1)

    def test_split_args(self):
        self.assertEqual(csource.split_args('a, f(b, c), "d, e" , \',\''),
                         ["a", "f(b, c)", '"d, e"', "','"])

    def test_entries_and_designated(self):
        text = 'A(1, 2),\n\t{ SYS_DESC(X), .val = 3, .name = "a,b" },\n\tB("}")'
        start, end = 0, len(text)
        got = list(csource.entries(text, start, end))
        self.assertEqual([e for _, e in got],
                         ["A(1, 2)", '{ SYS_DESC(X), .val = 3, .name = "a,b" }', 'B("}")'])
        self.assertEqual(csource.line_of(text, got[1][0]), 2)
        self.assertEqual(csource.designated(got[1][1][1:-1], "val"), "3")
        self.assertIsNone(csource.designated(got[1][1][1:-1], "reset"))

    def test_find_array(self):
        text = "static const struct t arr[] = { 1, 2 };"
        start, end = csource.find_array(text, "t", "arr", "f.c")
        self.assertEqual(text[start:end], " 1, 2 ")
        with self.assertRaises(GenError) as e:
            csource.find_array(text, "t", "other", "f.c")
        self.assertEqual(e.exception.reason, "no other[] array")
        with self.assertRaises(GenError) as e:
            csource.find_array(text[:-2], "t", "arr", "f.c")
        self.assertEqual(e.exception.reason, "arr[] is not closed")


class Functions(unittest.TestCase):
    SRC = ("static u64 f(struct kvm_vcpu *vcpu, u64 val)\n{\n"
           "\tif (a)\n\t\tval = 1;\n\telse {\n\t\tval = 2;\n\t}\n"
           "\tswitch (id) {\n\tcase X:\n\tcase Y:\n\t\tval |= g(h(1), 2);\n"
           "\t\tbreak;\n\tdefault:\n\t\treturn val;\n\t}\n"
           "\treturn val;\n}\n")

    def test_find_function_and_statements(self):
        name, text, start, end, params = csource.find_function(
            [("other.c", "int x;"), ("f.c", self.SRC)], "f", "here")
        self.assertEqual((name, params), ("f.c", "struct kvm_vcpu *vcpu, u64 val"))
        stmts = csource.statements(text, start, end, "f", name)
        self.assertEqual(stmts[0], ("if", "a", ("simple", "val = 1", "f.c:4"),
                                    ("block", [("simple", "val = 2", "f.c:6")]), "f.c:3"))
        kind, head, groups, where = stmts[1]
        self.assertEqual((kind, head, where), ("switch", "id", "f.c:8"))
        self.assertEqual([g[0] for g in groups], [["X", "Y"], ["default"]])
        self.assertEqual(groups[0][1], [("simple", "val |= g(h(1), 2)", "f.c:11"),
                                        ("simple", "break", "f.c:12")])
        self.assertEqual(stmts[2], ("simple", "return val", "f.c:16"))

    def test_missing_function(self):
        with self.assertRaises(GenError) as e:
            csource.find_function([("f.c", self.SRC)], "g", "here")
        self.assertEqual((e.exception.where, e.exception.reason),
                         ("here", "cannot find the definition of g()"))

    def test_switch_must_start_with_a_label(self):
        text = "switch (x) { y = 1; }"
        with self.assertRaises(GenError) as e:
            csource.statements(text, 0, len(text), "f", "f.c")
        self.assertIn("switch body does not start with a label", e.exception.reason)


class Masks(unittest.TestCase):
    def test_values(self):
        m = {"A_MASK": 0xf0}
        self.assertEqual(csource.mask_value("GENMASK(3, 0) | BIT(8)", m, "w"), 0x10f)
        self.assertEqual(csource.mask_value("~A_MASK & ULL(0xff)", m, "w"), 0x0f)
        self.assertEqual(csource.mask_value("ARM64_FEATURE_MASK(A_MASK)", m, "w"), 0xf0)
        self.assertEqual(csource.mask_value("~0", m, "w"), csource.MASK64)

    def test_unknown_macro(self):
        with self.assertRaises(GenError) as e:
            csource.mask_value("B_MASK", {}, "f.c:9")
        self.assertEqual(e.exception.where, "f.c:9")
        self.assertIn("unknown macro 'B_MASK'", e.exception.reason)


if __name__ == "__main__":
    unittest.main()
