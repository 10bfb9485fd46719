package http_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/apptest"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// An admin imports the body's people from CSV through the API: a dry run
// names each problem per line in the reader's language, the corrected file
// is imported, a new member sets a password through a one-time link and
// signs in, and the export imports back as nothing changed.
func TestImportAndPasswordLinkThroughTheAPI(t *testing.T) {
	apptest.ForEach(t, nil, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		admin := e.Login(t, "admin")
		bad := "username,full_name,title,organization,role,clearance,voting,email\n" +
			"tt.moi,Trần Thị Mới,Thứ trưởng,Bộ Tài chính,member,confidential,no,moi@mof.gov.vn\n" +
			"tt.moi,Trần Văn Lặp,,,member,none,no,\n" +
			"pv.khach,Phạm Văn Khách,,Sở Ngoại vụ,guest,kín,no,\n"
		importCSV := func(file, query, language string) (*ecabinet.ImportReport, error) {
			var rep ecabinet.ImportReport
			err := admin.DoRequest(ctx, "POST", "/api/v1/members/import"+query, strings.NewReader(file), "text/csv",
				http.Header{"Accept-Language": {language}}, &rep)
			return &rep, err
		}
		rep, err := importCSV(bad, "", "en")
		if err != nil || !rep.DryRun || rep.Applied || rep.Invalid != 2 || rep.Lines[0].Action != ecabinet.ImportCreate {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		if l := rep.Lines[2]; l.Line != 4 || len(l.Errors) != 2 || l.Errors[0].Field != "clearance" || !strings.Contains(l.Errors[0].Message, `There is no clearance "kín"`) ||
			l.Errors[1].Field != "organization" {
			t.Fatalf("line 4: %+v", l)
		}
		if rep, _ := importCSV(bad, "", "vi"); !strings.Contains(rep.Lines[1].Errors[0].Message, "đã có ở dòng 2") {
			t.Fatalf("in Vietnamese: %+v", rep.Lines[1])
		}
		_, err = importCSV(bad, "?dry_run=false", "en")
		if ae := apiError(t, err); ae.Status != 400 || !strings.Contains(ae.Message, "2 lines have problems; nothing was imported") {
			t.Fatalf("applying a bad file: %v", err)
		}
		_, err = importCSV("tên,họ\n", "", "en")
		if ae := apiError(t, err); ae.Status != 400 || ae.Field != "file" || !strings.Contains(ae.Message, "Line 1: the header must be username,full_name") {
			t.Fatalf("a wrong header: %v", err)
		}
		good := strings.Replace(strings.Replace(bad, "tt.moi,Trần Văn Lặp", "tv.lap,Trần Văn Lặp", 1), "kín", "none", 1)
		rep, err = importCSV(good, "?dry_run=false&create_organizations=true", "en")
		if err != nil || !rep.Applied || rep.Created != 3 || len(rep.Organizations) != 1 || rep.Organizations[0] != "Sở Ngoại vụ" {
			t.Fatalf("import: %+v %v", rep, err)
		}
		newID := rep.Lines[0].MemberID

		// The new member has no password: a one-time link from the admin.
		var link ecabinet.PasswordLink
		if err := admin.Do(ctx, "POST", "/api/v1/members/"+itoa(newID)+"/password-link", nil, &link); err != nil {
			t.Fatal(err)
		}
		token := link.URL[strings.Index(link.URL, "#")+1:]
		if !strings.HasPrefix(link.URL, e.URL+"/password#") || token == "" {
			t.Fatalf("link %+v", link)
		}
		anon := e.Client()
		var info ecabinet.PasswordLinkInfo
		if err := anon.Do(ctx, "POST", "/api/v1/password-links/inspect", map[string]string{"token": token}, &info); err != nil || info.Username != "tt.moi" {
			t.Fatalf("inspect: %+v %v", info, err)
		}
		if err := anon.Do(ctx, "POST", "/api/v1/password-links/use", map[string]string{"token": token, "password": "mật khẩu tự đặt"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := anon.Login(ctx, "tt.moi", "mật khẩu tự đặt"); err != nil {
			t.Fatalf("sign-in with the password set: %v", err)
		}
		err = e.Client().DoRequest(ctx, "POST", "/api/v1/password-links/use", strings.NewReader(`{"token":"`+token+`","password":"một lần nữa thôi"}`),
			"application/json", http.Header{"Accept-Language": {"vi"}}, nil)
		if ae := apiError(t, err); ae.Status != 410 || ae.Code != "gone" || !strings.Contains(ae.Message, "đã được dùng") {
			t.Fatalf("a used link: %v", err)
		}

		// The export is the import's format; imported back, it changes nothing.
		resp, err := admin.Send(ctx, "GET", "/api/v1/members/export.csv", nil, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		csv, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(csv), "username,full_name,title,organization,role,clearance,voting,email\n") ||
			!strings.Contains(string(csv), "tt.moi,Trần Thị Mới,Thứ trưởng,Bộ Tài chính,member,confidential,false,moi@mof.gov.vn") {
			t.Fatalf("export:\n%s", csv)
		}
		rep, err = importCSV(string(csv), "?dry_run=false", "en")
		if err != nil || rep.Unchanged != len(rep.Lines) || rep.Created+rep.Updated+rep.Invalid != 0 {
			t.Fatalf("the export imported again: %+v %v", rep, err)
		}
	})
}
