package http

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// enums lists the allowed values of the domain's string types, so the
// OpenAPI document states them.
var enums = map[reflect.Type][]string{
	reflect.TypeOf(ecabinet.Role("")):             stringsOf(ecabinet.Roles),
	reflect.TypeOf(ecabinet.Classification("")):   stringsOf(ecabinet.Classifications),
	reflect.TypeOf(ecabinet.MeetingKind("")):      stringsOf(ecabinet.MeetingKinds),
	reflect.TypeOf(ecabinet.MeetingStatus("")):    stringsOf(ecabinet.MeetingStatuses),
	reflect.TypeOf(ecabinet.MeetingAction("")):    stringsOf(ecabinet.MeetingActions),
	reflect.TypeOf(ecabinet.AgendaStatus("")):     {"pending", "active", "done", "deferred"},
	reflect.TypeOf(ecabinet.AttendanceStatus("")): {"expected", "present", "absent", "deputy"},
	reflect.TypeOf(ecabinet.SpeakerStatus("")):    {"waiting", "speaking", "done", "withdrawn"},
	reflect.TypeOf(ecabinet.ConclusionStatus("")): stringsOf(ecabinet.ConclusionStatuses),
	reflect.TypeOf(ecabinet.TaskStatus("")):       stringsOf(ecabinet.TaskStatuses),
	reflect.TypeOf(ecabinet.TaskSource("")):       stringsOf(ecabinet.TaskSources),
	reflect.TypeOf(ecabinet.BallotStatus("")):     {string(ecabinet.BallotDraft), string(ecabinet.BallotOpen), string(ecabinet.BallotClosed)},
	reflect.TypeOf(ecabinet.VoteStatus("")):       {string(ecabinet.VoteOpen), string(ecabinet.VoteClosed)},
	reflect.TypeOf(ecabinet.Stance("")):           stringsOf(ecabinet.Stances),
	reflect.TypeOf(ecabinet.ConsentState("")):     {"", "block", "pulled", "decided"},
	reflect.TypeOf(ecabinet.MinutesStatus("")):    {"draft", "published"},
	reflect.TypeOf(ecabinet.IssuedKind("")):       stringsOf(ecabinet.IssuedKinds),
}

// fieldEnums lists the allowed values of plain string fields that the
// domain constrains by constants, by struct and JSON name.
var fieldEnums = map[reflect.Type]map[string][]string{
	reflect.TypeOf(ecabinet.BodySettings{}): {
		"pass_rule": {ecabinet.PassMajorityOfAll, ecabinet.PassMajorityOfCast},
		"tie_break": {ecabinet.TieChair, ecabinet.TieFails},
	},
	reflect.TypeOf(ecabinet.Tally{}): {
		"rule":    {ecabinet.PassMajorityOfAll, ecabinet.PassMajorityOfCast},
		"outcome": {ecabinet.OutcomePassed, ecabinet.OutcomeFailed, ecabinet.OutcomePending},
	},
	reflect.TypeOf(ecabinet.BallotAnswer{}): {"choice": ecabinet.BallotChoices},
	reflect.TypeOf(ecabinet.AnswerItem{}):   {"choice": ecabinet.BallotChoices},
	reflect.TypeOf(ecabinet.Opinion{}):      {"choice": ecabinet.BallotChoices},
	// Empty when the recipient did not answer.
	reflect.TypeOf(ecabinet.ReportRow{}):   {"choice": append([]string{""}, ecabinet.BallotChoices...)},
	reflect.TypeOf(ecabinet.Device{}):      {"algorithm": ecabinet.DeviceAlgorithms},
	reflect.TypeOf(ecabinet.DeviceInput{}): {"algorithm": ecabinet.DeviceAlgorithms},
	reflect.TypeOf(ecabinet.LedgerLine{}): {
		"kind":   {ecabinet.LineVersion, ecabinet.LinePlaceholder, ecabinet.LineBallot},
		"reason": {ecabinet.ReasonDistributed, ecabinet.ReasonReplacedBeforePub, ecabinet.ReasonNotPublished, ecabinet.ReasonPaperCopies, ecabinet.ReasonBallotSentReturned},
	},
	reflect.TypeOf(ecabinet.LedgerReport{}): {"group": {ecabinet.GroupMonth, ecabinet.GroupYear}},
	reflect.TypeOf(ecabinet.LedgerSource{}): {"kind": {"meeting", "ballot"}},
	reflect.TypeOf(ecabinet.ImportLine{}):   {"action": {ecabinet.ImportCreate, ecabinet.ImportUpdate, ecabinet.ImportUnchanged, ecabinet.ImportInvalid}},
	// Empty for the totals alone.
	reflect.TypeOf(ecabinet.TaskStatsReport{}): {"group": {"", ecabinet.GroupOrganization, ecabinet.GroupMonth, ecabinet.GroupYear}},
}

// filled lists the pointer fields without omitempty that are always set
// in an answer: required and never null. Any other such pointer is
// nullable (a test checks real answers against both).
var filled = map[reflect.Type][]string{
	reflect.TypeOf(meResponse{}):            {"member", "body"},
	reflect.TypeOf(attendanceOne{}):         {"attendance"},
	reflect.TypeOf(ecabinet.MeetingState{}): {"meeting"},
	reflect.TypeOf(ecabinet.BallotResult{}): {"ballot"},
	reflect.TypeOf(ecabinet.BallotReport{}): {"body", "result"},
}

// nilSlices lists the slice fields without omitempty that an answer may
// carry as null (a nil slice): nullable. Every other slice is always made.
var nilSlices = map[reflect.Type][]string{
	reflect.TypeOf(ecabinet.Meeting{}): {"remote_sites"},
	// A kind of document nobody is named to sign.
	reflect.TypeOf(ecabinet.SignerSettings{}): {"conclusion", "ballot_report", "minutes"},
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

var pathParam = regexp.MustCompile(`:([a-zA-Z_]+)`)

// openAPIPath turns /members/:id into /members/{id}.
func openAPIPath(p string) string {
	return strings.Replace(pathParam.ReplaceAllString(p, "{$1}"), "*", "{path}", 1)
}

// schemaBuilder turns Go types into JSON Schemas under components.schemas.
type schemaBuilder struct {
	components map[string]any
}

func (b *schemaBuilder) schema(t reflect.Type) map[string]any {
	if vals, ok := enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t {
	case reflect.TypeOf(json.RawMessage(nil)):
		return map[string]any{"description": "Any JSON value"}
	case reflect.TypeOf(time.Time{}):
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeOf([]byte(nil)):
		return map[string]any{"type": "string", "format": "byte"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return b.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int64, reflect.Uint64, reflect.Uint:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": b.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": b.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if _, done := b.components[name]; !done {
			b.components[name] = map[string]any{} // placeholder stops recursion
			b.components[name] = b.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func schemaName(t reflect.Type) string {
	pkg := t.PkgPath()
	prefix := ""
	if !strings.HasSuffix(pkg, "/ecabinet") {
		prefix = strings.ToUpper(pkg[strings.LastIndex(pkg, "/")+1:][:1]) + pkg[strings.LastIndex(pkg, "/")+2:]
	}
	name := t.Name()
	if i := strings.Index(name, "["); i >= 0 {
		name = name[:i]
	}
	return prefix + strings.ToUpper(name[:1]) + name[1:]
}

func (b *schemaBuilder) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			fs := b.schema(f.Type)
			if vals, ok := fieldEnums[t][name]; ok {
				fs = map[string]any{"type": "string", "enum": vals}
			}
			omitted := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
			switch {
			case omitted:
				// Left out when nil or zero: optional, never null.
			case f.Type.Kind() == reflect.Pointer && !slices.Contains(filled[t], name),
				f.Type.Kind() == reflect.Slice && slices.Contains(nilSlices[t], name):
				required = append(required, name)
				fs = nullable(fs)
			default:
				required = append(required, name)
			}
			props[name] = fs
		}
	}
	walk(t)
	// Request bodies are decoded strictly (no unknown field), and answers
	// carry no field but these.
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// nullable lets s be null too (a nil pointer); a reference cannot carry
// the flag beside it in OpenAPI 3.0, so it is wrapped.
func nullable(s map[string]any) map[string]any {
	if _, ref := s["$ref"]; ref {
		return map[string]any{"allOf": []any{s}, "nullable": true}
	}
	out := maps.Clone(s)
	out["nullable"] = true
	return out
}

// OpenAPI is the document of the whole API, as GET /api/openapi.json serves
// it (the tablet app's TypeScript types are generated from it).
func OpenAPI() ([]byte, error) {
	s := &Server{}
	s.routes = s.routeTable()
	return json.MarshalIndent(s.openapiDocument(), "", "  ")
}

// openapiDocument builds the OpenAPI 3 document from the route table.
func (s *Server) openapiDocument() map[string]any {
	b := &schemaBuilder{components: map[string]any{}}
	errRef := b.schema(reflect.TypeOf(ErrorBody{}))
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
	}
	paths := map[string]any{}
	for _, r := range s.routes {
		p := openAPIPath(r.path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{
			"summary":     r.summary,
			"tags":        []string{r.tag},
			"operationId": strings.ToLower(r.method) + strings.NewReplacer("/", "_", ":", "", "{", "", "}", "", ".", "_", "-", "_").Replace(r.path),
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64"}})
		}
		if strings.Contains(r.path, "*") {
			params = append(params, map[string]any{"name": "path", "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.description, "schema": map[string]any{"type": q.typ}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.in != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": b.schema(reflect.TypeOf(r.in))}}}
		}
		if r.rawIn != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{r.rawIn: map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		if r.form != "" {
			file := map[string]any{"type": "object", "required": []string{r.form},
				"properties": map[string]any{r.form: map[string]any{"type": "string", "format": "binary"}}}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": file}}}
		}
		status := r.status
		if status == 0 {
			status = fiber.StatusOK
		}
		resp := map[string]any{"description": "Success"}
		switch {
		case r.raw != "":
			resp["content"] = map[string]any{r.raw: map[string]any{"schema": map[string]any{"type": "string"}}}
		case r.out != nil:
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": b.schema(reflect.TypeOf(r.out))}}
		default:
			status = fiber.StatusNoContent
		}
		responses := map[string]any{strconv.Itoa(status): resp, "default": errResp("Error; see the code")}
		if !r.access.public {
			responses["401"] = errResp("Not signed in")
			var roles []string
			for _, role := range r.access.roles {
				roles = append(roles, string(role))
			}
			op["x-roles"] = roles
			op["security"] = []any{map[string]any{"cookie": []string{}}}
		} else {
			op["x-roles"] = []string{"anyone"}
		}
		op["responses"] = responses
		item[strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "e-Cabinet API",
			"version":     "1",
			"description": "Cabinet sessions, votes, written ballots, documents and tasks. Errors are {code, message, field}; messages follow Accept-Language (vi by default, en). Cookie-authenticated writes need the X-CSRF-Token header from /api/v1/me.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": b.components,
			"securitySchemes": map[string]any{
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": cookieName},
			},
		},
	}
}

// openapi serves the document built once at start.
func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(s.openapiJSON)
}
