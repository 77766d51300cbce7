module pleg-spec/benches/go

go 1.19
