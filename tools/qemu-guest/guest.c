// SPDX-License-Identifier: GPL-2.0-only
/*
 * idregs-guest: a bare-metal guest for QEMU's -M virt (an ELF for -kernel)
 * that reads every slot of the feature ID space (op0=3, op1 in {0, 1, 3},
 * CRn=0, CRm 0..7, op2 0..7) and prints one line per slot on the PL011:
 *
 *	S3_<op1>_C0_C<crm>_<op2>=0x<16 hex digits>
 *	S3_<op1>_C0_C<crm>_<op2>=undef		(the MRS was UNDEFINED)
 *
 * then "idregs-guest: done", and powers off with PSCI SYSTEM_OFF over HVC
 * (-M virt's PSCI conduit for a guest without EL2/EL3, which KVM serves).
 * CCSIDR_EL1 (S3_1_C0_C0_0) describes the cache CSSELR_EL1 selects, which
 * KVM resets to an unknown value: the guest selects level 1, data or
 * unified (CSSELR_EL1 = 0) first.  The reads and the exception vectors are
 * in start.S.
 *
 * Built with IDREGS_GUEST_TICKS=N and IDREGS_GUEST_REREADS=R
 * (idregs-guest-migrate.elf, for tools/qemu-migrate-check.sh) it then goes
 * on for N ticks of R rereads of every slot, printing after each
 *
 *	idregs-guest: tick <n>/<N> changed=<slots that differed from the first read> ms=<its length>
 *
 * so that a VMM can migrate it while it runs: the ticks go on where they
 * stopped on the source, and the slots the guest reads on the destination
 * are printed again after the last tick, before "idregs-guest: done".
 */
#include "guest.h"

#define UART_BASE	0x09000000UL	/* -M virt's PL011 */
#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFE	(1U << 7)
#define UART_LCR_H	0x2c
#define UART_LCR_H_FEN	(1U << 4)
#define UART_LCR_H_WLEN8	(3U << 5)
#define UART_CR		0x30
#define UART_CR_UARTEN	(1U << 0)
#define UART_CR_TXE	(1U << 8)
#define UART_FIFO_DEPTH	16
#define PSCI_SYSTEM_OFF	0x84000008UL
#define ESR_EC_UNKNOWN	0x00
#define ESR_EC_SYS64	0x18
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

unsigned long last_esr;

static const unsigned int op1s[] = { 0, 1, 3 };

static unsigned int mmio_read(unsigned long off)
{
	return *(volatile unsigned int *)(UART_BASE + off);
}

static void mmio_write(unsigned long off, unsigned int v)
{
	*(volatile unsigned int *)(UART_BASE + off) = v;
}

/*
 * Every UART access is an exit to the VMM, which costs about a millisecond
 * on the emulated hosts: the FIFO is enabled and the flags read once per
 * FIFO-full of characters (wait until it is empty, then write 16), and
 * lines end in \n alone.
 */
static void uart_init(void)
{
	mmio_write(UART_LCR_H, UART_LCR_H_FEN | UART_LCR_H_WLEN8);
	mmio_write(UART_CR, UART_CR_UARTEN | UART_CR_TXE);
}

static void uart_putc(char c)
{
	static unsigned int room;

	if (!room) {
		while (!(mmio_read(UART_FR) & UART_FR_TXFE))
			;
		room = UART_FIFO_DEPTH;
	}
	room--;
	mmio_write(UART_DR, (unsigned char)c);
}

static void puts_raw(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void put_dec(unsigned int v)
{
	char buf[12];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		uart_putc(buf[--i]);
}

static void put_hex64(unsigned long v)
{
	int shift;

	puts_raw("0x");
	for (shift = 60; shift >= 0; shift -= 4)
		uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void system_off(void)
{
	register unsigned long x0 asm("x0") = PSCI_SYSTEM_OFF;

	asm volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	puts_raw("idregs-guest: PSCI SYSTEM_OFF returned ");
	put_hex64(x0);
	puts_raw("\n");
	for (;;)
		asm volatile("wfi");
}

void fatal_exception(unsigned long esr, unsigned long elr)
{
	puts_raw("idregs-guest: unexpected exception, ESR_EL1=");
	put_hex64(esr);
	puts_raw(" ELR_EL1=");
	put_hex64(elr);
	puts_raw("\n");
	system_off();
}

static unsigned long esr_ec(unsigned long esr)
{
	return (esr >> 26) & 0x3f;
}

static void print_slot(unsigned int op1, unsigned int crm, unsigned int op2,
		       struct id_read r)
{
	puts_raw("S3_");
	put_dec(op1);
	puts_raw("_C0_C");
	put_dec(crm);
	uart_putc('_');
	put_dec(op2);
	uart_putc('=');
	if (r.undef)
		puts_raw("undef");
	else
		put_hex64(r.val);
	puts_raw("\n");
	/*
	 * An UNDEFINED MRS has exception class 0 (unknown reason), or 0x18
	 * (trapped MRS) for the ID space with FEAT_IDST: anything else is
	 * worth a word.
	 */
	if (r.undef && esr_ec(last_esr) != ESR_EC_UNKNOWN && esr_ec(last_esr) != ESR_EC_SYS64) {
		puts_raw("idregs-guest: that read trapped with ESR_EL1=");
		put_hex64(last_esr);
		puts_raw("\n");
	}
}

static void print_all(void)
{
	unsigned int i, crm, op2, idx = 0;

	puts_raw("idregs-guest: reading op0=3 op1={0,1,3} CRn=0 CRm=0..7 op2=0..7\n");
	for (i = 0; i < ARRAY_SIZE(op1s); i++)
		for (crm = 0; crm < 8; crm++)
			for (op2 = 0; op2 < 8; op2++)
				print_slot(op1s[i], crm, op2, read_id(idx++));
}

#ifdef IDREGS_GUEST_TICKS
#define NR_SLOTS	(ARRAY_SIZE(op1s) * 64)

static struct id_read first[NR_SLOTS];

static unsigned long read_counter(void)
{
	unsigned long v;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static unsigned long counter_freq(void)
{
	unsigned long v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static unsigned int slots_changed(void)
{
	unsigned int idx, n = 0;

	for (idx = 0; idx < NR_SLOTS; idx++) {
		struct id_read r = read_id(idx);

		n += r.val != first[idx].val || r.undef != first[idx].undef;
	}
	return n;
}

/*
 * A tick is work, not time: IDREGS_GUEST_REREADS rereads of every slot.
 * The VMM's migration is work of the same emulated host, so on a loaded
 * machine both slow down together and the source still migrates while
 * the guest ticks.  Each tick says how long it took (ms of the virtual
 * counter) and how many slots ever differed from the first read.
 */
static void run_ticks(void)
{
	unsigned long per_ms = counter_freq() / 1000, start;
	unsigned int idx, tick, pass, changed;

	for (idx = 0; idx < NR_SLOTS; idx++)
		first[idx] = read_id(idx);
	for (tick = 1; tick <= IDREGS_GUEST_TICKS; tick++) {
		start = read_counter();
		changed = 0;
		for (pass = 0; pass < IDREGS_GUEST_REREADS; pass++) {
			unsigned int n = slots_changed();

			if (n > changed)
				changed = n;
		}
		puts_raw("idregs-guest: tick ");
		put_dec(tick);
		uart_putc('/');
		put_dec(IDREGS_GUEST_TICKS);
		puts_raw(" changed=");
		put_dec(changed);
		puts_raw(" ms=");
		put_dec((unsigned int)((read_counter() - start) / (per_ms ? per_ms : 1)));
		puts_raw("\n");
	}
	print_all();
}
#else
static void run_ticks(void)
{
}
#endif

void main(void)
{
	uart_init();
	asm volatile("msr csselr_el1, xzr\n\tisb" : : : "memory");
	print_all();
	run_ticks();
	puts_raw("idregs-guest: done\n");
	system_off();
}
