//! Opens the shipped corpus (building its index on first use), runs one query and prints the
//! hits and the facets, through the library's one face, `consulta::Engine`.
//!
//! ```sh
//! cargo run --release --example search -- "trata de personas"
//! ```
//!
//! Run it from the repository root (it uses `corpus/` and `index/` there, as the CLI does).

use consulta::engine::Event;
use consulta::{Config, Dimension, Engine, SearchRequest};

fn main() -> Result<(), consulta::Error> {
    let query = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let query = if query.is_empty() { "trafficking in persons".to_string() } else { query };
    let engine = Engine::open_or_build(Config::default(), &mut |event| {
        if let Event::Building(why) = event {
            eprintln!("building the index first ({why:?})");
        }
    })?;
    let response = engine.search(&SearchRequest::new(&query).limit(5))?;
    println!("{} records match {query:?} ({} ms)", response.total, response.took_ms);
    for (rank, hit) in response.hits.iter().enumerate() {
        let r = &hit.record;
        println!("{:>2}. {} [{}] · {} · {}", rank + 1, r.heading, r.kind.name(), r.lang.code(), r.id);
    }
    for dim in [Dimension::Mechanism, Dimension::Kind, Dimension::Lang] {
        let values: Vec<String> = response.facets[&dim].iter().map(|(v, n)| format!("{v} {n}")).collect();
        println!("{dim}: {}", values.join(", "));
    }
    Ok(())
}
