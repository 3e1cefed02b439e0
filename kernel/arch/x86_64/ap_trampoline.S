/*
 * ap_trampoline.S - where an application processor starts after the
 * STARTUP IPI: in 16-bit real mode at CS:0 with CS = page << 8.
 *
 * This is a position-independent template: smp.c copies it to a free page
 * below 1 MiB and fills in the parameter block at its end (linear addresses
 * of the GDT and jump targets, CR3, EFER bits, stack, struct cpu, entry).
 * The page is identity-mapped while CPUs start, so paging can be switched
 * on under the running code.
 */
#define OFF(sym) ((sym) - ap_trampoline_start)

    .section .rodata
    .code16
    .globl ap_trampoline_start
ap_trampoline_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    xor %ebx, %ebx
    mov %cs, %bx
    shl $4, %ebx                        /* ebx = linear base of this page */
    lgdtl OFF(tr_gdtr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl *OFF(tr_far32)

    .code32
tr_protected:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax                  /* PAE */
    mov %eax, %cr4
    mov OFF(tr_cr3)(%ebx), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx               /* EFER */
    rdmsr
    or OFF(tr_efer)(%ebx), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax                /* PG, WP, PE */
    mov %eax, %cr0
    ljmpl *OFF(tr_far64)(%ebx)

    .code64
tr_long:
    mov OFF(tr_stack)(%rbx), %rsp
    mov OFF(tr_cpu)(%rbx), %rdi
    mov OFF(tr_entry)(%rbx), %rax
    xor %ebp, %ebp
    jmp *%rax

    .align 16
tr_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: data */
    .quad 0x00af9a000000ffff            /* 0x18: 64-bit code */
    .globl tr_gdtr, tr_far32, tr_far64, tr_cr3, tr_efer, tr_stack, tr_cpu, tr_entry
    .globl tr_gdt, tr_protected, tr_long
tr_gdtr:  .short 31
          .long 0                       /* linear address of tr_gdt */
tr_far32: .long 0                       /* linear address of tr_protected */
          .short 0x08
tr_far64: .long 0                       /* linear address of tr_long */
          .short 0x18
tr_cr3:   .long 0
tr_efer:  .long 0
    .align 8
tr_stack: .quad 0
tr_cpu:   .quad 0
tr_entry: .quad 0
    .globl ap_trampoline_end
ap_trampoline_end:
