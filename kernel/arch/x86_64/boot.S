/*
 * boot.S - from GRUB's Multiboot2 hand-off to kmain() in the higher half.
 *
 * GRUB enters boot_entry32 in 32-bit protected mode with paging off,
 * EAX = Multiboot2 magic and EBX = physical address of the boot information.
 * We build throw-away page tables that map the first 4 GiB three times
 * (identity, the physical-memory window at PHYSMAP_BASE, and the kernel at
 * -2 GiB), switch to long mode and jump to the linked (virtual) address.
 * paging_init() replaces these tables with the real ones.
 */
#include <arch/layout.h>

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOT_MAGIC   0x36d76289
/* Symbols outside the .boot section are linked at their virtual address. */
#define PHYS(sym)        ((sym) - KERNEL_VMA)
#define COM1             0x3f8

    .section .multiboot2, "a"
    .align 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long 0                                 /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
    .align 8
    .short 5, 1                             /* framebuffer, optional */
    .long 20
    .long 1024, 768, 32
    .align 8
    .short 0, 0                             /* end of tags */
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl boot_entry32
boot_entry32:
    cli
    cld
    mov %eax, %edi
    rdtsc
    mov %eax, PHYS(boot_entry_tsc)
    mov %edx, PHYS(boot_entry_tsc) + 4
    mov $PHYS(boot_stack_top), %esp

    cmp $MB2_BOOT_MAGIC, %edi
    jne .Lnot_multiboot
    mov %edi, PHYS(boot_mb2_magic)
    mov %ebx, PHYS(boot_mb2_info)

    /* Long mode needs CPUID leaf 0x80000001 EDX bit 29. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc .Lno_long_mode

    /* Four page directories of 2 MiB pages cover physical 0..4 GiB. */
    mov $PHYS(boot_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                          /* present, writable, 2 MiB page */
    mov %eax, (%edi,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax                           /* bits 32+ of the address */
    mov %eax, 4(%edi,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b

    mov $PHYS(boot_pdpt_low), %edi
    mov $PHYS(boot_pd) + 3, %eax
    mov %eax, 0(%edi)
    add $4096, %eax
    mov %eax, 8(%edi)
    add $4096, %eax
    mov %eax, 16(%edi)
    add $4096, %eax
    mov %eax, 24(%edi)

    mov $PHYS(boot_pdpt_high), %edi
    mov $PHYS(boot_pd) + 3, %eax
    mov %eax, 510*8(%edi)
    add $4096, %eax
    mov %eax, 511*8(%edi)

    mov $PHYS(boot_pml4), %edi
    mov $PHYS(boot_pdpt_low) + 3, %eax
    mov %eax, 0(%edi)
    mov %eax, PML4_INDEX_PHYSMAP*8(%edi)
    mov $PHYS(boot_pdpt_high) + 3, %eax
    mov %eax, 511*8(%edi)

    mov %cr4, %eax
    or $(1 << 5), %eax                      /* PAE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx                   /* EFER */
    rdmsr
    or $(1 << 8), %eax                      /* LME */
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax   /* PG, WP, PE */
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $boot_entry64

.Lnot_multiboot:
    mov $msg_not_multiboot, %esi
    jmp .Lfail
.Lno_long_mode:
    mov $msg_no_long_mode, %esi
.Lfail:
    mov $COM1 + 5, %dx                      /* line status: wait for THR empty */
2:  in %dx, %al
    test $0x20, %al
    jz 2b
    mov $COM1, %dx
    lodsb
    test %al, %al
    jz 3f
    out %al, %dx
    jmp .Lfail
3:  hlt
    jmp 3b

    .code64
boot_entry64:
    movabs $kernel_entry64, %rax
    jmp *%rax

    .section .boot.data, "a"
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00209a0000000000                /* 64-bit code */
    .quad 0x0000920000000000                /* data */
boot_gdt_ptr:
    .short boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt
msg_not_multiboot:
    .asciz "cairn: not started by a Multiboot2 loader; halting\r\n"
msg_no_long_mode:
    .asciz "cairn: this CPU has no long mode (x86_64); halting\r\n"

    .text
kernel_entry64:
    xor %eax, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    call kmain
4:  hlt
    jmp 4b

    .bss
    .align 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
    .globl boot_stack, boot_stack_top
boot_stack:     .skip BOOT_STACK_SIZE
boot_stack_top:
    .align 8
    .globl boot_entry_tsc, boot_mb2_magic, boot_mb2_info
boot_entry_tsc: .quad 0
boot_mb2_magic: .long 0
boot_mb2_info:  .long 0
