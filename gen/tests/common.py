import os

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
KERNEL = os.path.join(FIXTURES, "kernel")
SYSREG = os.path.join(KERNEL, "arch/arm64/tools/sysreg")
CPUFEATURE = os.path.join(KERNEL, "arch/arm64/kernel/cpufeature.c")
JSON = os.path.join(FIXTURES, "registers.json")
SUPPLEMENT = os.path.join(FIXTURES, "supplement.txt")
OVERRIDES = os.path.join(FIXTURES, "overrides.txt")
ARM_FIELDS = os.path.join(FIXTURES, "arm_fields.tsv")
LAYOUTS = os.path.join(FIXTURES, "arm_layouts.txt")


def fixture(name):
    return os.path.join(FIXTURES, name)
