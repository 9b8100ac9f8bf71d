// A crate whose items tests/test_opt_locals.py's Rust test references but does not link, so that
// the link reports them undefined (v0-mangled: generics, trait impls, closures, consts, dyn, Unicode).
#![crate_type = "rlib"]
#![allow(non_snake_case, uncommon_codepoints)]

pub mod inner {
    #[inline(never)]
    pub fn missing_fn(x: u32) -> u32 { x + 1 }
    pub mod deeper {
        #[inline(never)]
        pub fn wörld(x: u64) -> u64 { x * 3 }
    }
}

pub struct Wrapper<T>(pub T);

impl Wrapper<u32> {
    #[inline(never)]
    pub fn get(&self) -> u32 { self.0 }
}

pub trait Speak { fn speak(&self) -> u32; }

impl Speak for Wrapper<u32> {
    #[inline(never)]
    fn speak(&self) -> u32 { self.0 * 2 }
}

impl<'a> Speak for &'a [i64] {
    #[inline(never)]
    fn speak(&self) -> u32 { self.len() as u32 }
}

pub struct Arr<const N: usize, const C: char, const B: bool, const I: i8>;

impl<const N: usize, const C: char, const B: bool, const I: i8> Arr<N, C, B, I> {
    #[inline(never)]
    pub fn size(&self) -> usize { N + C as usize + B as usize + I as usize }
}

#[inline(never)]
pub fn generic<T: Into<u64> + Copy>(t: T, f: fn(&str, (u8, i16)) -> *const u8) -> u64 {
    let _ = f("", (1, 2));
    t.into()
}

#[inline(never)]
pub fn takes_dyn(d: &dyn Fn(u32) -> u32, it: &mut dyn Iterator<Item = (char, f64)>) -> u32 {
    d(it.count() as u32)
}

#[inline(never)]
pub fn with_closure(v: u32) -> impl Fn(u32) -> u32 { move |x| x + v }

#[inline(never)]
pub fn hrtb(f: for<'a> fn(&'a str) -> &'a str) -> usize { f("x").len() }

pub static TABLE: [u8; 4] = [1, 2, 3, 4];
