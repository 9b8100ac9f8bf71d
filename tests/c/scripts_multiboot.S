/* A bare-metal image for the linker-script tests: a multiboot (v1, "a.out kludge": the load
   addresses come from the header, which the linker script's symbols fill in) entry in 32-bit
   protected mode that prints a message and the addresses of three script symbols to the serial
   port, then leaves QEMU through isa-debug-exit. */
        .section .multiboot, "a"
        .align 4
mb_header:
        .long 0x1BADB002
        .long 0x00010000
        .long -(0x1BADB002 + 0x00010000)
        .long mb_header
        .long __load_start
        .long __load_end
        .long __bss_end
        .long _start32

        .section .text.boot, "ax"
        .code32
        .globl _start32
_start32:
        mov     $stack_top, %esp
        mov     $msg, %esi
        call    puts
        mov     $__load_end, %eax
        call    puthex
        mov     $__bss_end, %eax
        call    puthex
        mov     $counter, %eax
        mov     (%eax), %eax
        call    puthex
        mov     $0xf4, %dx
        mov     $0x21, %al
        out     %al, %dx
1:      hlt
        jmp     1b

puts:   lodsb
        test    %al, %al
        jz      2f
        call    putc
        jmp     puts
2:      ret

putc:   mov     $0x3f8, %dx
        out     %al, %dx
        ret

puthex: mov     %eax, %ebx
        mov     $8, %ecx
3:      rol     $4, %ebx
        mov     %ebx, %eax
        and     $15, %eax
        movb    hexdigits(%eax), %al
        call    putc
        loop    3b
        mov     $'\n', %al
        call    putc
        ret

        .section .rodata
msg:    .asciz  "hello from a bare-metal image\n"
hexdigits: .ascii "0123456789abcdef"

        .data
        .align 4
counter: .long 0x1234abcd

        .section .note.GNU-stack, "", @progbits
