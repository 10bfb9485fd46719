// This file only marks frontend/ as a separate Go module, so that `go test ./...`
// and `go vet ./...` at the repository root never walk into frontend/node_modules
// (some npm packages ship .go files). It contains no Go code.
module ecabinet/frontend-assets
