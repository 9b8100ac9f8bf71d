# A BIOS boot sector (--oformat binary -Ttext 0x7c00): 16-bit code, absolute 16-bit addresses,
# PC-relative calls, a data table and the 0xaa55 signature at offset 510.
        .code16
        .globl  start
start:  cli
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %ss
        mov     $0x7c00, %sp
        mov     $msg, %si
        call    puts
        mov     table+2, %bx
        movb    $1, flag
1:      hlt
        jmp     1b
puts:   lodsb
        test    %al, %al
        jz      2f
        mov     $0x0e, %ah
        int     $0x10
        jmp     puts
2:      ret
msg:    .asciz  "braze boot"
table:  .word   start, puts, msg, end
        .byte   msg - start
        .byte   (end - start) / 4
flag:   .byte   0
        .org    510
        .word   0xaa55
end:
