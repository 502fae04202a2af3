//! Timings of the data-flow primitives: path evaluation, templates, intrinsics, ResultPath and
//! Choice helpers. Run with `cargo bench -p asl-runtime --bench dataflow`; prints ns per call.
//!
//! A plain timing loop rather than a statistics framework, to keep the build small.

use std::hint::black_box;
use std::time::Instant;

use asl_runtime::choice::{StringPattern, numeric_less_than, string_matches, variable};
use asl_runtime::dataflow::ResultPathSpec;
use asl_runtime::intrinsics::Intrinsic;
use asl_runtime::path::{Env, Path};
use asl_runtime::template::Template;
use serde_json::{Value, json};

fn time(name: &str, iterations: u32, mut f: impl FnMut()) {
    // Warm up caches and the allocator.
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(iterations);
    println!("{name:<48} {ns:>10.1} ns");
}

fn order() -> Value {
    json!({
        "order": {
            "id": "o-1",
            "customer": {"name": "Ada", "tier": "gold"},
            "items": (0..20).map(|i| json!({"sku": format!("s{i}"), "price": i, "qty": 1})).collect::<Vec<_>>()
        },
        "flags": {"express": true}
    })
}

fn main() {
    let input = order();
    let env = Env::empty();

    let definite = Path::parse("$.order.customer.name").unwrap();
    time(
        "path: definite $.order.customer.name (lookup)",
        1_000_000,
        || {
            black_box(definite.lookup(black_box(&input), &env).is_ok());
        },
    );
    time("path: definite, cloned result (select)", 1_000_000, || {
        black_box(definite.select(black_box(&input), &env, "InputPath").ok());
    });
    let wildcard = Path::parse("$.order.items[*].sku").unwrap();
    time("path: wildcard over 20 items", 200_000, || {
        black_box(wildcard.select(black_box(&input), &env, "x.$").ok());
    });
    let filter = Path::parse("$.order.items[?(@.price > 10)].sku").unwrap();
    time("path: filter over 20 items", 200_000, || {
        black_box(filter.select(black_box(&input), &env, "x.$").ok());
    });
    let deep = Path::parse("$..price").unwrap();
    time("path: deep scan $..price", 100_000, || {
        black_box(deep.select(black_box(&input), &env, "x.$").ok());
    });

    let template = Template::compile(&json!({
        "id.$": "$.order.id",
        "who.$": "$.order.customer.name",
        "static": {"a": 1, "b": [1, 2, 3]},
        "greeting.$": "States.Format('Hello {}', $.order.customer.name)"
    }))
    .unwrap();
    time(
        "template: 4 keys (2 paths, 1 literal, 1 Format)",
        500_000,
        || {
            black_box(template.evaluate(black_box(&input), &env).ok());
        },
    );

    let add = Intrinsic::parse("States.MathAdd($.order.items[3].price, 1.5)").unwrap();
    time("intrinsic: States.MathAdd", 1_000_000, || {
        black_box(add.evaluate(black_box(&input), &env, "x.$").ok());
    });
    let hash = Intrinsic::parse("States.Hash($.order.id, 'SHA-256')").unwrap();
    time(
        "intrinsic: States.Hash SHA-256 of a short string",
        500_000,
        || {
            black_box(hash.evaluate(black_box(&input), &env, "x.$").ok());
        },
    );
    let range = Intrinsic::parse("States.ArrayRange(1, 1000, 1)").unwrap();
    time("intrinsic: States.ArrayRange(1, 1000, 1)", 50_000, || {
        black_box(range.evaluate(black_box(&input), &env, "x.$").ok());
    });
    let uuid = Intrinsic::parse("States.UUID()").unwrap();
    time("intrinsic: States.UUID", 200_000, || {
        black_box(uuid.evaluate(black_box(&input), &env, "x.$").ok());
    });

    let result_path = ResultPathSpec::parse("$.result.payment").unwrap();
    let small = json!({"a": 1, "b": {"c": 2}});
    time(
        "ResultPath $.result.payment into a small input",
        1_000_000,
        || {
            let merged = asl_runtime::dataflow::apply_result_path(
                black_box(small.clone()),
                json!(7),
                &result_path,
            );
            black_box(merged.ok());
        },
    );

    let price = Path::parse("$.order.items[5].price").unwrap();
    time(
        "choice: Variable lookup + NumericLessThan",
        1_000_000,
        || {
            let v = variable(&price, black_box(&input), &env);
            black_box(v.map(|v| numeric_less_than(&v, 10.0)).ok());
        },
    );
    let pattern = StringPattern::compile("*log-*.txt").unwrap();
    let name = json!("archive/log-2024-11-25.txt");
    time("choice: StringMatches *log-*.txt", 1_000_000, || {
        black_box(string_matches(black_box(&name), &pattern));
    });
}
