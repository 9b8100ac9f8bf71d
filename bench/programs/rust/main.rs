// bench job rust-bin: std collections and formatting, a panic caught with catch_unwind, threads.
use std::collections::BTreeMap;
use std::panic;
use std::thread;

fn word_counts(text: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for w in text.split_whitespace() {
        *m.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    m
}

fn checked_div(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("division by zero");
    }
    a / b
}

fn main() {
    let text = "the quick brown fox jumps over the lazy dog the end";
    let counts = word_counts(text);
    let total: usize = thread::scope(|s| {
        let hs: Vec<_> = (1..=4usize).map(|k| s.spawn(move || (1..=k * 5).sum::<usize>())).collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum()
    });
    panic::set_hook(Box::new(|_| {}));
    let caught = panic::catch_unwind(|| checked_div(1, 0)).is_err();
    println!("words={} the={} total={} caught_panic={} ok={}", counts.len(), counts["the"], total, caught,
             checked_div(84, 2));
}
