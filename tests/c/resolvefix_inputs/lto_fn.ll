target triple = "x86_64-pc-linux-gnu"
define i32 @lto_fn(i32 %x) {
  %r = mul i32 %x, 3
  ret i32 %r
}
