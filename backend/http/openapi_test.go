package http_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
	ehttp "github.com/ecabinet/ecabinet/backend/http"
	"github.com/getkin/kin-openapi/openapi3"
)

// loadOpenAPI reads the document GET /api/openapi.json serves and checks it
// against the OpenAPI 3 specification.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	raw, err := ehttp.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// bodiless are the writes that take no request body: the path says all.
var bodiless = []string{
	"POST /api/v1/auth/logout", "POST /api/v1/me/mfa", "POST /api/v1/ws/ticket",
	"POST /api/v1/members/{id}/password-link",
	"POST /api/v1/meetings/{id}/agenda/next", "POST /api/v1/meetings/{id}/agenda/{item}/defer", "POST /api/v1/meetings/{id}/agenda/{item}/activate",
	"POST /api/v1/meetings/{id}/attendance/check-in",
	"POST /api/v1/meetings/{id}/agenda/{item}/speakers", "POST /api/v1/meetings/{id}/agenda/{item}/speakers/{speaker}/give", "POST /api/v1/meetings/{id}/agenda/{item}/speakers/{speaker}/end",
	"POST /api/v1/votes/{id}/close",
	"POST /api/v1/ballots/{id}/open", "POST /api/v1/ballots/{id}/close", "POST /api/v1/ballots/{id}/remind",
	"POST /api/v1/documents/{id}/copies/{copy}/return",
	"POST /api/v1/meetings/{id}/conclusion/publish",
	"POST /api/v1/meetings/{id}/positions/remind", "POST /api/v1/meetings/{id}/positions/close", "POST /api/v1/meetings/{id}/agenda/{item}/pull",
	"POST /api/v1/meetings/{id}/minutes/publish",
}

// TestOpenAPIDocumentDescribesEveryBody checks that the document is valid
// and that every operation states its request body (a write without one is
// listed above) and its success response: JSON ones by a named schema of
// the Go type the handler answers with.
func TestOpenAPIDocumentDescribesEveryBody(t *testing.T) {
	doc := loadOpenAPI(t)
	if n := len(doc.Components.Schemas); n < 60 {
		t.Fatalf("only %d component schemas", n)
	}
	listed := map[string]bool{}
	for _, k := range bodiless {
		listed[k] = false
	}
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			key := method + " " + path
			_, noBody := listed[key]
			switch {
			case op.RequestBody != nil && noBody:
				t.Errorf("%s takes a body but is listed as taking none", key)
			case op.RequestBody == nil && noBody:
				listed[key] = true
			case op.RequestBody == nil && (method == "POST" || method == "PUT" || method == "PATCH"):
				t.Errorf("%s: a write without a request body (or list it as taking none)", key)
			case op.RequestBody != nil:
				for ct, mt := range op.RequestBody.Value.Content {
					if ct == "application/json" && (mt.Schema == nil || mt.Schema.Ref == "") {
						t.Errorf("%s: the JSON request body is not a named schema", key)
					}
				}
			}
			var success []string
			for status, resp := range op.Responses.Map() {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				success = append(success, status)
				content := resp.Value.Content
				if status == "204" {
					if len(content) > 0 {
						t.Errorf("%s: 204 with content", key)
					}
					continue
				}
				if len(content) != 1 {
					t.Errorf("%s %s: want one content type, got %d", key, status, len(content))
				}
				// Not a named schema: the document itself, and the WebSocket upgrade (declared raw).
				if mt := content.Get("application/json"); mt != nil && !namedSchema(mt.Schema) && path != "/api/openapi.json" && !mt.Schema.Value.Type.Is("string") {
					t.Errorf("%s %s: the JSON response is not a named schema (or a list of one)", key, status)
				}
			}
			if len(success) != 1 {
				t.Errorf("%s: want one success status, got %v", key, success)
			}
		}
	}
	for k, seen := range listed {
		if !seen {
			t.Errorf("%s is listed as taking no body but is not in the document", k)
		}
	}
	if ops < 100 {
		t.Fatalf("only %d operations", ops)
	}
}

func namedSchema(s *openapi3.SchemaRef) bool {
	if s == nil {
		return false
	}
	if s.Ref != "" {
		return true
	}
	return s.Value.Type.Is("array") && namedSchema(s.Value.Items)
}

// TestOpenAPISchemasFollowTheGoTypes checks how the API's Go types map to
// schemas: omitempty is optional, a pointer always set required, a time a
// date-time string, a raw JSON value anything, the domain's enumerations
// their values (the builder's rules on their own: openapi_rules_test.go).
func TestOpenAPISchemasFollowTheGoTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	schema := func(name string) *openapi3.Schema {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Fatalf("no component %s", name)
		}
		return s.Value
	}
	meeting := schema("Meeting")
	if started := meeting.Properties["started_at"].Value; slices.Contains(meeting.Required, "started_at") || started.Format != "date-time" || !started.Type.Is("string") {
		t.Errorf("Meeting.started_at (*time.Time, omitempty): %+v, required %v", started, meeting.Required)
	}
	if !slices.Contains(meeting.Required, "scheduled_start") {
		t.Errorf("Meeting.scheduled_start is required: %v", meeting.Required)
	}
	if got := enumOf(meeting.Properties["status"].Value); !slices.Equal(got, stringsOf(ecabinet.MeetingStatuses)) {
		t.Errorf("Meeting.status enum %v", got)
	}
	if state := schema("MeetingState"); state.Properties["meeting"].Ref != "#/components/schemas/Meeting" || !slices.Contains(state.Required, "meeting") {
		t.Errorf("MeetingState.meeting (*Meeting, always set) is a required Meeting: %+v", state.Properties["meeting"])
	}
	if detail := schema("AuditEntry").Properties["detail"].Value; detail.Type != nil || detail.Format != "" {
		t.Errorf("AuditEntry.detail (json.RawMessage) is any JSON: %+v", detail)
	}
	for _, c := range []struct {
		schema, field string
		want          []string
	}{
		{"Ballot", "status", []string{"draft", "open", "closed"}},
		{"Vote", "status", []string{"open", "closed"}},
		{"Tally", "outcome", []string{"passed", "failed", "pending"}},
		{"BodySettings", "pass_rule", []string{"majority_of_all", "majority_of_cast"}},
		{"AnswerItem", "choice", ecabinet.BallotChoices},
		{"ReportRow", "choice", append([]string{""}, ecabinet.BallotChoices...)},
		{"Device", "algorithm", ecabinet.DeviceAlgorithms},
	} {
		if got := enumOf(schema(c.schema).Properties[c.field].Value); !slices.Equal(got, c.want) {
			t.Errorf("%s.%s enum %v, want %v", c.schema, c.field, got, c.want)
		}
	}
}

func enumOf(s *openapi3.Schema) []string {
	var out []string
	for _, v := range s.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// TestOpenAPIResponsesMatchTheirSchemas calls every JSON GET route as every
// role allowed to, on the authorization matrix's objects, and checks each
// answer against its schema: types, required fields, nulls, enumerations,
// and no field the document does not name.
func TestOpenAPIResponsesMatchTheirSchemas(t *testing.T) {
	doc := loadOpenAPI(t)
	e := apptest.Start(t, apptest.Backends[0], nil)
	fix := newAuthzFixture(t, e)
	checked := map[string]bool{}
	for _, who := range callers(t, e) {
		if who.role == "" || who.otherBody {
			continue
		}
		for _, r := range e.App.Server.Routes() {
			if r.Method != "GET" || !(r.Public || slices.Contains(r.Roles, who.role)) {
				continue
			}
			op := doc.Paths.Find(openAPIPath(r.Path)).GetOperation("GET")
			resp := op.Responses.Status(200)
			if resp == nil || resp.Value.Content.Get("application/json") == nil {
				continue
			}
			s := resp.Value.Content.Get("application/json").Schema
			if !namedSchema(s) && r.Path != "/api/openapi.json" {
				continue // the WebSocket upgrade
			}
			status, body := call(t, who.c, "GET", fix.fill(t, r.Path))
			if status != 200 {
				continue // not invited, not yet published: no answer to check
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("GET %s as %s: %v", r.Path, who.name, err)
			}
			if err := s.Value.VisitJSON(v); err != nil {
				t.Errorf("GET %s as %s does not match its schema: %v", r.Path, who.name, err)
			}
			if extra := undocumented(s, v, "$"); len(extra) > 0 {
				t.Errorf("GET %s as %s answers fields the document does not name: %v", r.Path, who.name, extra)
			}
			checked[r.Path] = true
		}
	}
	if len(checked) < 35 {
		var paths []string
		for p := range checked {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		t.Fatalf("only %d routes checked: %v", len(checked), paths)
	}
}

var routeParam = regexp.MustCompile(`:([a-z]+)`)

// openAPIPath turns /members/:id into /members/{id}.
func openAPIPath(p string) string {
	return routeParam.ReplaceAllString(strings.Replace(p, "*", "{path}", 1), "{$1}")
}

// undocumented lists the object keys in v that s does not name.
func undocumented(s *openapi3.SchemaRef, v any, at string) []string {
	if s == nil || s.Value == nil {
		return nil
	}
	if s.Value.Type == nil && len(s.Value.Properties) == 0 && len(s.Value.AllOf) == 0 {
		return nil // any JSON value
	}
	var out []string
	for _, sub := range s.Value.AllOf {
		out = append(out, undocumented(sub, v, at)...)
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if p, ok := s.Value.Properties[k]; ok {
				out = append(out, undocumented(p, x, at+"."+k)...)
			} else if s.Value.AdditionalProperties.Schema != nil {
				out = append(out, undocumented(s.Value.AdditionalProperties.Schema, x, at+"."+k)...)
			} else if len(s.Value.AllOf) == 0 && !(s.Value.AdditionalProperties.Has != nil && *s.Value.AdditionalProperties.Has) {
				out = append(out, at+"."+k)
			}
		}
	case []any:
		for i, x := range v {
			out = append(out, undocumented(s.Value.Items, x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return out
}
