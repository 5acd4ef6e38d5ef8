#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented items.
//! In-process benchmarks: start-up (loading the built-in tariff), one quote, and batch rows
//! read, priced and written as CSV. Whole-command timings against baselines: `benches/run.sh`.

use std::hint::black_box;
use std::io::BufReader;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dis_price::batch::{InputFormat, Item, Pricer, ReadOptions, Rows, Totals};
use dis_price::job::Job;
use dis_price::pricing::Meter;
use dis_price::render::{BatchHeader, BatchSink, csv};
use dis_price::size::Size;

fn jobs(n: usize) -> String {
    let mut text = String::from("steps,size,n\n");
    let mut state = 1u64;
    let mut next = |bound: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % bound + 1
    };
    // Sides the API accepts (1 to 999), so every row prices.
    for _ in 0..n {
        text.push_str(&format!(
            "{},{}x{},{}\n",
            next(50),
            next(999),
            next(999),
            next(8)
        ));
    }
    text
}

fn benches(c: &mut Criterion) {
    c.bench_function("load the built-in tariff", |b| {
        b.iter(|| dis_price::checks::builtin().unwrap())
    });

    let tariff = dis_price::checks::builtin().unwrap();
    let meter = Meter::new(tariff.default_model());
    let job = Job {
        steps: 20,
        size: Size::new(777, 333),
        count: 3,
    };
    c.bench_function("quote one job", |b| {
        b.iter(|| meter.quote(black_box(&job), tariff.display).unwrap())
    });

    let rows = 10_000;
    let input = jobs(rows);
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(rows as u64));
    for (name, summary) in [("csv rows", false), ("summary", true)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut reader = Rows::new(
                    "bench".into(),
                    BufReader::new(input.as_bytes()),
                    InputFormat::Csv,
                    ReadOptions::default(),
                )
                .unwrap();
                let header = BatchHeader {
                    tariff: &tariff,
                    extra: &[],
                    summary_only: summary,
                    dated: false,
                    layout: Default::default(),
                };
                let pricer = Pricer::new(&tariff, false, !summary);
                let mut totals = Totals::new(&tariff);
                let mut sink = csv::Batch;
                let mut out = Vec::with_capacity(input.len() * 3);
                sink.begin(&mut out, &header).unwrap();
                while let Ok(Some(Item::Image(row))) = reader.next_row() {
                    let (priced, _) = pricer.price(row).unwrap();
                    totals.add(&priced).unwrap();
                    if !summary {
                        sink.job(&mut out, &header, &priced).unwrap();
                    }
                }
                sink.end(&mut out, &header, &totals.summary(&tariff).unwrap())
                    .unwrap();
                out
            })
        });
    }
    group.finish();
}

criterion_group!(pricing, benches);
criterion_main!(pricing);
