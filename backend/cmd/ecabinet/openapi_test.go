package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// 'ecabinet openapi' prints the API's document without configuration or a
// database: what the tablet app's types are generated from.
func TestOpenAPICommand(t *testing.T) {
	var out, errs bytes.Buffer
	noEnv := func(string) string { return "" }
	if err := run([]string{"openapi"}, noEnv, strings.NewReader(""), &out, &errs); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI    string                     `json:"openapi"`
		Paths      map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%.200s", err, out.String())
	}
	if doc.OpenAPI != "3.0.3" || doc.Paths["/api/v1/meetings/{id}"] == nil || doc.Components.Schemas["MeetingState"] == nil {
		t.Fatalf("not the API's document: openapi %q, %d paths, %d schemas", doc.OpenAPI, len(doc.Paths), len(doc.Components.Schemas))
	}
	if errs.Len() > 0 {
		t.Fatalf("wrote to standard error: %s", errs.String())
	}
}
