/*
 * user_copy.S - copying to and from user memory.
 *
 * The caller has checked that the user range lies in user space; what it
 * cannot know is whether every page is mapped. A page fault on the marked
 * instruction is redirected by the trap handler to the fixup (see
 * .trap_fixups), which returns the number of bytes left uncopied.
 *
 * size_t user_copy_raw(void *dst, const void *src, size_t len)
 *   returns 0 on success, else the number of bytes not copied.
 */
    .text
    .globl user_copy_raw
user_copy_raw:
    mov %rdx, %rcx
user_copy_insn:
    rep movsb
    xor %eax, %eax
    ret
user_copy_fixup:
    mov %rcx, %rax
    ret

    .section .trap_fixups, "a"
    .quad user_copy_insn, user_copy_fixup
