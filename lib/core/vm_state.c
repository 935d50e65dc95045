// SPDX-License-Identifier: GPL-2.0-only
/*
 * A saved VM's state and its text file (idregs/vm_state.h says the
 * format): parse, write, name a KVM register id.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/util.h"
#include "idregs/vcpu_config.h"
#include "idregs/vm_state.h"

void idreg_vm_state_init(struct idreg_vm_state *s)
{
	memset(s, 0, sizeof(*s));
	s->version = IDREG_VM_STATE_VERSION;
}

void idreg_vm_state_free(struct idreg_vm_state *s)
{
	free(s->mem);
	free(s->regs);
	idreg_vm_state_init(s);
}

size_t idreg_kvm_reg_size(uint64_t id)
{
	unsigned int shift = (id & IDREG_KVM_REG_SIZE_MASK) >> IDREG_KVM_REG_SIZE_SHIFT;

	if ((id & IDREG_KVM_REG_ARCH_MASK) != IDREG_KVM_REG_ARM64 ||
	    (1UL << shift) > IDREG_VM_STATE_MAX_REG_BYTES)
		return 0;
	return 1UL << shift;
}

unsigned int idreg_kvm_reg_class(uint64_t id)
{
	return (id & IDREG_KVM_REG_CLASS_MASK) >> IDREG_KVM_REG_CLASS_SHIFT;
}

static void sysreg_encoding(uint64_t id, unsigned int e[5])
{
	e[0] = (id >> 14) & 3;
	e[1] = (id >> 11) & 7;
	e[2] = (id >> 7) & 15;
	e[3] = (id >> 3) & 15;
	e[4] = id & 7;
}

uint64_t idreg_kvm_sysreg_id(unsigned int op0, unsigned int op1, unsigned int crn,
			     unsigned int crm, unsigned int op2)
{
	return IDREG_KVM_REG_ARM64 | 3ULL << IDREG_KVM_REG_SIZE_SHIFT |
	       (uint64_t)IDREG_KVM_SYSREG << IDREG_KVM_REG_CLASS_SHIFT |
	       (op0 & 3) << 14 | (op1 & 7) << 11 | (crn & 15) << 7 | (crm & 15) << 3 | (op2 & 7);
}

bool idreg_kvm_reg_is_id(uint64_t id, unsigned int *op1, unsigned int *crm, unsigned int *op2)
{
	unsigned int e[5];

	if (idreg_kvm_reg_class(id) != IDREG_KVM_SYSREG || idreg_kvm_reg_size(id) != 8)
		return false;
	sysreg_encoding(id, e);
	if (e[0] != 3 || e[2] != 0 || (e[1] != 0 && e[1] != 1 && e[1] != 3))
		return false;
	if (op1)
		*op1 = e[1];
	if (crm)
		*crm = e[3];
	if (op2)
		*op2 = e[4];
	return true;
}

/* struct kvm_regs in 32-bit words (KVM_REG_ARM_CORE_REG()): arm64's layout. */
static void core_describe(unsigned int off, char *buf, size_t size)
{
	static const char *const named[] = {
		[62] = "sp", [64] = "pc", [66] = "pstate", [68] = "sp_el1",
		[70] = "elr_el1", [212] = "fpsr", [213] = "fpcr",
	};

	if (off < 62 && !(off & 1))
		snprintf(buf, size, "core regs.regs[%u]", off / 2);
	else if (off < ARRAY_SIZE(named) && named[off])
		snprintf(buf, size, "core %s", named[off]);
	else if (off >= 72 && off < 82 && !(off & 1))
		snprintf(buf, size, "core spsr[%u]", (off - 72) / 2);
	else if (off >= 84 && off < 212 && !(off & 3))
		snprintf(buf, size, "core fp_regs.vregs[%u]", (off - 84) / 4);
	else
		snprintf(buf, size, "core word %u", off);
}

static void fw_describe(unsigned int class, unsigned int idx, char *buf, size_t size)
{
	static const char *const fw[] = {
		"PSCI_VERSION", "SMCCC_ARCH_WORKAROUND_1", "SMCCC_ARCH_WORKAROUND_2",
		"SMCCC_ARCH_WORKAROUND_3",
	};
	static const char *const bmap[] = {
		"STD_BMAP", "STD_HYP_BMAP", "VENDOR_HYP_BMAP", "VENDOR_HYP_BMAP_2",
	};
	const char *const *names = class == IDREG_KVM_FW ? fw : bmap;

	if (idx < 4)
		snprintf(buf, size, "firmware %s", names[idx]);
	else
		snprintf(buf, size, "firmware %s 0x%x", class == IDREG_KVM_FW ? "register" : "bitmap",
			 idx);
}

static void sve_describe(unsigned int low, char *buf, size_t size)
{
	unsigned int n = (low >> 5) & 31, slice = low & 31;

	if (low == 0xffff)
		snprintf(buf, size, "SVE VLS");
	else if (low & 0x400 && n == 16)
		snprintf(buf, size, "SVE FFR slice %u", slice);
	else if (low & 0x400)
		snprintf(buf, size, "SVE P%u slice %u", n, slice);
	else
		snprintf(buf, size, "SVE Z%u slice %u", n, slice);
}

const char *idreg_kvm_reg_describe(uint64_t id, char *buf, size_t size)
{
	unsigned int class = idreg_kvm_reg_class(id), low = id & 0xffff, e[5];

	if ((id & IDREG_KVM_REG_ARCH_MASK) != IDREG_KVM_REG_ARM64) {
		snprintf(buf, size, "register 0x%016" PRIx64 " (not arm64)", id);
		return buf;
	}
	switch (class) {
	case IDREG_KVM_CORE:
		core_describe(low, buf, size);
		break;
	case IDREG_KVM_DEMUX:
		snprintf(buf, size, "demux %s %u", (low >> 8) == 0 ? "CCSIDR" : "?", low & 0xff);
		break;
	case IDREG_KVM_SYSREG:
		sysreg_encoding(id, e);
		snprintf(buf, size, "S%u_%u_C%u_C%u_%u", e[0], e[1], e[2], e[3], e[4]);
		break;
	case IDREG_KVM_FW:
	case IDREG_KVM_FW_FEAT_BMAP:
		fw_describe(class, low, buf, size);
		break;
	case IDREG_KVM_SVE:
		sve_describe(low, buf, size);
		break;
	default:
		snprintf(buf, size, "class 0x%x register 0x%016" PRIx64, class, id);
	}
	return buf;
}

int idreg_vm_state_add_reg(struct idreg_vm_state *s, unsigned int vcpu, uint64_t id,
			   const void *val)
{
	size_t size = idreg_kvm_reg_size(id);
	struct idreg_vm_state_reg *r;

	if (!size || vcpu >= IDREG_VM_STATE_MAX_VCPUS)
		return -EINVAL;
	if (s->nr_regs == s->cap_regs) {
		unsigned int cap = s->cap_regs ? 2 * s->cap_regs : 256;

		r = realloc(s->regs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		s->regs = r;
		s->cap_regs = cap;
	}
	r = &s->regs[s->nr_regs++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->vcpu = vcpu;
	memcpy(r->val, val, size);
	return 0;
}

const struct idreg_vm_state_reg *idreg_vm_state_find(const struct idreg_vm_state *s,
						     unsigned int vcpu, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < s->nr_regs; i++)
		if (s->regs[i].vcpu == vcpu && s->regs[i].id == id)
			return &s->regs[i];
	return NULL;
}

uint64_t idreg_vm_state_u64(const struct idreg_vm_state_reg *r)
{
	size_t size = idreg_kvm_reg_size(r->id);
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < size && i < 8; i++)
		v |= (uint64_t)r->val[i] << (8 * i);
	return v;
}

/* The parser: one line at a time, its number for messages. */
struct parser {
	struct idreg_vm_state *s;
	unsigned int line;
	char *err;
	bool seen_magic, seen_memory, seen_end;
};

__printf(2, 3)
static int bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, IDREG_ERR_LEN, "line %u: ", p->line);

	va_start(ap, fmt);
	vsnprintf(p->err + n, IDREG_ERR_LEN - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and exactly 2 * @size hex digits, most significant first, into LE bytes. */
static int parse_value(const char *tok, size_t size, uint8_t *out)
{
	size_t i, len;

	if (strncmp(tok, "0x", 2))
		return -1;
	tok += 2;
	len = strlen(tok);
	if (len != 2 * size)
		return -1;
	for (i = 0; i < size; i++) {
		int hi = hex_digit(tok[len - 2 * i - 2]), lo = hex_digit(tok[len - 2 * i - 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

static int parse_u64(const char *tok, uint64_t *v)
{
	char *end;

	if (!tok || !*tok || *tok == '-')
		return -1;
	errno = 0;
	*v = strtoull(tok, &end, 0);
	return errno || *end ? -1 : 0;
}

static int parse_features(struct parser *p, char *list)
{
	char *name, *save = NULL;
	unsigned int f;

	p->s->features = 0;
	if (!strcmp(list, "none"))
		return 0;
	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		f = idreg_vcpu_feature_by_name(name);
		if (!f)
			return bad(p, "unknown vCPU feature '%s'", name);
		p->s->features |= f;
	}
	return 0;
}

static int parse_memory(struct parser *p, char **tok, int n)
{
	struct idreg_vm_state *s = p->s;

	if (n != 3 || parse_u64(tok[1], &s->mem_gpa) || parse_u64(tok[2], &s->mem_size))
		return bad(p, "memory: want 'memory GPA SIZE'");
	if (p->seen_memory)
		return bad(p, "memory given twice");
	if (!s->mem_size || s->mem_size > IDREG_VM_STATE_MAX_MEM ||
	    s->mem_size % IDREG_VM_STATE_CHUNK)
		return bad(p, "memory size 0x%" PRIx64 ": want a multiple of %d up to 0x%lx",
			   s->mem_size, IDREG_VM_STATE_CHUNK, IDREG_VM_STATE_MAX_MEM);
	s->mem = calloc(1, s->mem_size);
	if (!s->mem)
		return bad(p, "out of memory for 0x%" PRIx64 " bytes", s->mem_size);
	p->seen_memory = true;
	return 0;
}

static int parse_mem(struct parser *p, char **tok, int n)
{
	uint8_t chunk[IDREG_VM_STATE_CHUNK];
	uint64_t off;
	unsigned int i;

	if (!p->seen_memory)
		return bad(p, "mem before memory");
	if (n != 3 || parse_u64(tok[1], &off) || strlen(tok[2]) != 2 * sizeof(chunk))
		return bad(p, "mem: want 'mem OFFSET' and %zu hex digits", 2 * sizeof(chunk));
	if (off % sizeof(chunk) || off >= p->s->mem_size)
		return bad(p, "mem offset 0x%" PRIx64 ": not a chunk of the 0x%" PRIx64 " bytes",
			   off, p->s->mem_size);
	for (i = 0; i < sizeof(chunk); i++) {
		int hi = hex_digit(tok[2][2 * i]), lo = hex_digit(tok[2][2 * i + 1]);

		if (hi < 0 || lo < 0)
			return bad(p, "mem 0x%" PRIx64 ": not hex at byte %u", off, i);
		chunk[i] = hi << 4 | lo;
	}
	memcpy(p->s->mem + off, chunk, sizeof(chunk));
	return 0;
}

static int parse_reg(struct parser *p, char **tok, int n)
{
	uint8_t val[IDREG_VM_STATE_MAX_REG_BYTES];
	uint64_t vcpu, id;
	size_t size;
	char what[64];

	if (n != 4 || parse_u64(tok[1], &vcpu) || parse_u64(tok[2], &id))
		return bad(p, "reg: want 'reg VCPU ID VALUE'");
	if (vcpu >= p->s->nr_vcpus)
		return bad(p, "reg of vcpu %" PRIu64 ": the state has %u", vcpu, p->s->nr_vcpus);
	size = idreg_kvm_reg_size(id);
	if (!size)
		return bad(p, "reg 0x%016" PRIx64 ": not a KVM/arm64 register id", id);
	if (parse_value(tok[3], size, val))
		return bad(p, "reg %s: want 0x and %zu hex digits",
			   idreg_kvm_reg_describe(id, what, sizeof(what)), 2 * size);
	if (idreg_vm_state_find(p->s, vcpu, id))
		return bad(p, "reg %s of vcpu %" PRIu64 " given twice",
			   idreg_kvm_reg_describe(id, what, sizeof(what)), vcpu);
	if (idreg_vm_state_add_reg(p->s, vcpu, id, val))
		return bad(p, "out of memory");
	return 0;
}

static int parse_slots(struct parser *p, char **tok, int n)
{
	uint64_t v;
	int i;

	for (i = 1; i < n; i++) {
		if (p->s->nr_slots == IDREG_VM_STATE_MAX_SLOTS)
			return bad(p, "guest-slots: more than %d", IDREG_VM_STATE_MAX_SLOTS);
		if (parse_u64(tok[i], &v) || v >= IDREG_VM_STATE_MAX_SLOTS)
			return bad(p, "guest-slots: '%s' is no ID register slot", tok[i]);
		p->s->slots[p->s->nr_slots++] = v;
	}
	return 0;
}

static int parse_header(struct parser *p, char **tok, int n)
{
	uint64_t v;

	if (!strcmp(tok[0], "features") && n == 2)
		return parse_features(p, tok[1]);
	if (!strcmp(tok[0], "imp-id-regs") && n == 2 &&
	    (!strcmp(tok[1], "on") || !strcmp(tok[1], "off"))) {
		p->s->imp_id = !strcmp(tok[1], "on");
		return 0;
	}
	if (!strcmp(tok[0], "vgic") && n == 2) {
		if (parse_u64(tok[1], &v) || (v != 2 && v != 3))
			return bad(p, "vgic: want 2 or 3 (a GICv2 or GICv3)");
		p->s->vgic = v;
		return 0;
	}
	if (!strcmp(tok[0], "vcpus") && n == 2) {
		if (parse_u64(tok[1], &v) || !v || v > IDREG_VM_STATE_MAX_VCPUS)
			return bad(p, "vcpus: want 1 to %d", IDREG_VM_STATE_MAX_VCPUS);
		p->s->nr_vcpus = v;
		return 0;
	}
	return bad(p, "unknown record '%s' (or wrong number of words)", tok[0]);
}

#define MAX_WORDS	(IDREG_VM_STATE_MAX_SLOTS + 2)

static int parse_line(struct parser *p, char *line)
{
	char *tok[MAX_WORDS], *save = NULL, *w;
	uint64_t version;
	int n = 0;

	for (w = strtok_r(line, " \t\r", &save); w && *w != '#'; w = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_WORDS)
			return bad(p, "more than %d words", MAX_WORDS);
		tok[n++] = w;
	}
	if (!n)
		return 0;
	if (p->seen_end)
		return bad(p, "'%s' after end", tok[0]);
	if (!p->seen_magic) {
		if (strcmp(tok[0], IDREG_VM_STATE_MAGIC) || n != 2 || parse_u64(tok[1], &version))
			return bad(p, "not an idregs VM state (want '%s %d' first)",
				   IDREG_VM_STATE_MAGIC, IDREG_VM_STATE_VERSION);
		if (version != IDREG_VM_STATE_VERSION)
			return bad(p, "version %" PRIu64 ": this idreg reads version %d", version,
				   IDREG_VM_STATE_VERSION);
		p->seen_magic = true;
		return 0;
	}
	if (!strcmp(tok[0], "memory"))
		return parse_memory(p, tok, n);
	if (!strcmp(tok[0], "mem"))
		return parse_mem(p, tok, n);
	if (!strcmp(tok[0], "reg"))
		return parse_reg(p, tok, n);
	if (!strcmp(tok[0], "guest-slots"))
		return parse_slots(p, tok, n);
	if (!strcmp(tok[0], "end") && n == 1) {
		p->seen_end = true;
		return 0;
	}
	return parse_header(p, tok, n);
}

int idreg_vm_state_parse(struct idreg_vm_state *s, const char *text, char *err)
{
	struct parser p = { .s = s, .err = err };
	char *copy = strdup(text), *line, *next;
	int r = 0;

	idreg_vm_state_init(s);
	if (!copy) {
		snprintf(err, IDREG_ERR_LEN, "out of memory");
		return -1;
	}
	for (line = copy; line && !r; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		p.line++;
		r = parse_line(&p, line);
	}
	free(copy);
	if (!r && !p.seen_end)
		r = bad(&p, "no 'end': the file is cut short");
	if (!r && (!s->nr_vcpus || !p.seen_memory))
		r = bad(&p, "the state names no %s", s->nr_vcpus ? "memory" : "vcpus");
	if (r)
		idreg_vm_state_free(s);
	return r;
}

/* A growing string for the writer. */
struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

__printf(2, 3)
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < o->cap - o->len)
			break;
		char *nb = realloc(o->buf, o->cap * 2 + n + 1);

		if (!nb) {
			o->oom = true;
			return;
		}
		o->buf = nb;
		o->cap = o->cap * 2 + n + 1;
	}
	o->len += n;
}

static bool chunk_is_zero(const uint8_t *c)
{
	unsigned int i;

	for (i = 0; i < IDREG_VM_STATE_CHUNK; i++)
		if (c[i])
			return false;
	return true;
}

static void put_memory(struct out *o, const struct idreg_vm_state *s)
{
	uint64_t off;
	unsigned int i;

	put(o, "memory 0x%" PRIx64 " 0x%" PRIx64 "\n", s->mem_gpa, s->mem_size);
	for (off = 0; s->mem && off < s->mem_size; off += IDREG_VM_STATE_CHUNK) {
		if (chunk_is_zero(s->mem + off))
			continue;
		put(o, "mem 0x%04" PRIx64 " ", off);
		for (i = 0; i < IDREG_VM_STATE_CHUNK; i++)
			put(o, "%02x", s->mem[off + i]);
		put(o, "\n");
	}
}

static void put_regs(struct out *o, const struct idreg_vm_state *s)
{
	const struct idreg_vm_state_reg *r;
	unsigned int i;
	size_t b;
	char what[64];

	for (i = 0; i < s->nr_regs; i++) {
		r = &s->regs[i];
		put(o, "reg %u 0x%016" PRIx64 " 0x", r->vcpu, r->id);
		for (b = idreg_kvm_reg_size(r->id); b > 0; b--)
			put(o, "%02x", r->val[b - 1]);
		put(o, "  # %s\n", idreg_kvm_reg_describe(r->id, what, sizeof(what)));
	}
}

char *idreg_vm_state_format(const struct idreg_vm_state *s)
{
	struct out o = { .buf = malloc(4096), .cap = 4096 };
	char features[96];
	unsigned int i;

	if (!o.buf)
		return NULL;
	o.buf[0] = 0;
	idreg_vcpu_features_describe(s->features, features, sizeof(features));
	put(&o, "%s %u\n", IDREG_VM_STATE_MAGIC, IDREG_VM_STATE_VERSION);
	put(&o, "# a VM saved by idreg vm-save (docs/migration.md)\n");
	put(&o, "features %s\nimp-id-regs %s\nvcpus %u\n", features, s->imp_id ? "on" : "off",
	    s->nr_vcpus);
	if (s->vgic)
		put(&o, "vgic %u\n", s->vgic);
	put_memory(&o, s);
	put_regs(&o, s);
	if (s->nr_slots) {
		put(&o, "guest-slots");
		for (i = 0; i < s->nr_slots; i++)
			put(&o, " %u", s->slots[i]);
		put(&o, "\n");
	}
	put(&o, "end\n");
	if (o.oom) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}
