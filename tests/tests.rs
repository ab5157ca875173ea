// integration tests: see corpus.rs, search.rs, cli.rs
