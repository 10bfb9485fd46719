package http

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

type rulesInner struct {
	Name string `json:"name"`
}

type rulesEmbedded struct {
	Shared string `json:"shared"`
}

// rulesSample has a field of every kind the schema builder maps.
type rulesSample struct {
	rulesEmbedded
	Plain    string                 `json:"plain"`
	Optional string                 `json:"optional,omitempty"`
	Zero     int64                  `json:"zero,omitzero"`
	When     time.Time              `json:"when"`
	Maybe    *time.Time             `json:"maybe,omitempty"`
	Nullable *rulesInner            `json:"nullable"`
	Inner    rulesInner             `json:"inner"`
	Raw      json.RawMessage        `json:"raw"`
	Status   ecabinet.MeetingStatus `json:"status"`
	Counts   map[string]int         `json:"counts"`
	List     []*rulesInner          `json:"list"`
	Hidden   string                 `json:"-"`
	private  string
}

func TestSchemaBuilderRules(t *testing.T) {
	b := &schemaBuilder{components: map[string]any{}}
	ref := b.schema(reflect.TypeOf(&rulesSample{}))
	if ref["$ref"] != "#/components/schemas/HttpRulesSample" {
		t.Fatalf("a pointer to a struct is a reference to its component: %v", ref)
	}
	s := b.components["HttpRulesSample"].(map[string]any)
	props := s["properties"].(map[string]any)
	prop := func(name string) map[string]any { return props[name].(map[string]any) }
	required := s["required"].([]string)
	slices.Sort(required)
	if want := []string{"counts", "inner", "list", "nullable", "plain", "raw", "shared", "status", "when"}; !slices.Equal(required, want) {
		t.Errorf("required %v, want %v (omitempty and omitzero are optional)", required, want)
	}
	if len(props) != 12 {
		t.Errorf("%d properties, want 12 (json:\"-\" and unexported fields left out, embedded fields flattened): %v", len(props), props)
	}
	if s["additionalProperties"] != false {
		t.Errorf("an object admits no other field: %v", s["additionalProperties"])
	}
	for name, want := range map[string]map[string]any{
		"when":  {"type": "string", "format": "date-time"},
		"maybe": {"type": "string", "format": "date-time"},
		"zero":  {"type": "integer", "format": "int64"},
		"raw":   {"description": "Any JSON value"},
	} {
		if got := prop(name); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if got := prop("nullable"); got["nullable"] != true || !reflect.DeepEqual(got["allOf"], []any{map[string]any{"$ref": "#/components/schemas/HttpRulesInner"}}) {
		t.Errorf("a pointer without omitempty is a nullable reference: %v", got)
	}
	if got := prop("status")["enum"]; !reflect.DeepEqual(got, stringsOf(ecabinet.MeetingStatuses)) {
		t.Errorf("a domain enumeration states its values: %v", got)
	}
	if got := prop("counts")["additionalProperties"]; !reflect.DeepEqual(got, map[string]any{"type": "integer", "format": "int32"}) {
		t.Errorf("a map is an object of its values: %v", got)
	}
	if got := prop("list")["items"]; !reflect.DeepEqual(got, map[string]any{"$ref": "#/components/schemas/HttpRulesInner"}) {
		t.Errorf("a slice is an array of its elements: %v", got)
	}
}

// TestSchemaBuilderFieldEnums checks the enumerations of plain string fields
// and the pointers always set, on the domain's types.
func TestSchemaBuilderFieldEnums(t *testing.T) {
	b := &schemaBuilder{components: map[string]any{}}
	b.schema(reflect.TypeOf(ecabinet.BallotReport{}))
	report := b.components["BallotReport"].(map[string]any)
	if got := report["properties"].(map[string]any)["result"]; !reflect.DeepEqual(got, map[string]any{"$ref": "#/components/schemas/BallotResult"}) {
		t.Errorf("BallotReport.result is always set, so not nullable: %v", got)
	}
	tally := b.components["Tally"].(map[string]any)["properties"].(map[string]any)
	if got := tally["outcome"]; !reflect.DeepEqual(got, map[string]any{"type": "string", "enum": []string{ecabinet.OutcomePassed, ecabinet.OutcomeFailed, ecabinet.OutcomePending}}) {
		t.Errorf("Tally.outcome: %v", got)
	}
	for typ, fields := range fieldEnums {
		for name := range fields {
			if !hasField(typ, name, reflect.String) {
				t.Errorf("fieldEnums names %s.%s, which is not a string field", typ.Name(), name)
			}
		}
	}
	for list, kind := range map[*map[reflect.Type][]string]reflect.Kind{&nilSlices: reflect.Slice, &filled: reflect.Pointer} {
		for typ, names := range *list {
			for _, name := range names {
				if !hasField(typ, name, kind) {
					t.Errorf("%s.%s is not a %s field", typ.Name(), name, kind)
				}
			}
		}
	}
}

// hasField tells whether struct typ has a field of kind named name in JSON.
func hasField(typ reflect.Type, name string, kind reflect.Kind) bool {
	for i := 0; i < typ.NumField(); i++ {
		if tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); tag == name && typ.Field(i).Type.Kind() == kind {
			return true
		}
	}
	return false
}
