/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * idreg explore and idreg replay (vmm/explore_cmd.c): the stateful
 * explorer (lib/kvm/explore.c) from the command line.  Both take idreg's
 * arguments after the command name and return its exit codes; without KVM
 * (the native build) they say so and return 3.
 */
#ifndef IDREGS_EXPLORE_CMD_H
#define IDREGS_EXPLORE_CMD_H

#define IDREG_EXPLORE_USAGE \
	"explore [--seed N] [--steps M] [--length L] [--out FILE]\n" \
	"  Random sequences of L steps (default 40), M steps in all (default 10000),\n" \
	"  from seed N (default 1): VMs, vCPUs, KVM_ARM_VCPU_INIT (first, again, other\n" \
	"  features), SET/GET_ONE_REG, KVM_RUN of a guest reading ID registers, the\n" \
	"  masks ioctl; every answer checked against the prediction, the kernel's\n" \
	"  taint and log watched.  Progress and a summary on stderr; a failure is\n" \
	"  shrunk and printed (and written to FILE) as a reproducer for 'idreg\n" \
	"  replay'.  Exit 1 on a failure.\n"
#define IDREG_REPLAY_USAGE \
	"replay FILE\n" \
	"  Run the sequence in FILE (what explore prints) step by step, each step\n" \
	"  with KVM's answer; exit 0 if KVM answered as predicted and the kernel\n" \
	"  stayed clean, 1 naming the step that did not.\n"

int idreg_cmd_explore(int argc, char **argv);
int idreg_cmd_replay(int argc, char **argv);

#endif /* IDREGS_EXPLORE_CMD_H */
