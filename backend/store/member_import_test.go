package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

const membersHeader = "username,full_name,title,organization,role,clearance,voting,email\n"

// A people's committee in numbers: the file creates its members, a second
// import of the same file changes nothing, an edited file updates exactly
// what changed, and the export reads back as the same file.
func TestImportMembers(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin := f.as(ecabinet.RoleAdmin)
		svc := store.NewMemberService(db)
		if err := db.EnsureOrganizations(context.Background(), f.body.ID, "Bộ Tài chính", "Sở Y tế"); err != nil {
			t.Fatal(err)
		}
		file := "\ufeff" + membersHeader + // Excel's "CSV UTF-8" starts with a byte order mark
			"pho.ct1,Trần Văn Bình,Phó Chủ tịch UBND tỉnh,Sở Y tế,member,confidential,yes,binh@laocai.gov.vn\n" +
			"sgd,Lê Thị Cúc,\"Giám đốc Sở Giáo dục, Đào tạo\",Sở Giáo dục và Đào tạo,member,none,có,\n" +
			"vt.ubnd,Đỗ Văn Thư,Chánh Văn phòng,bộ  tài chính,secretary,secret,no,\n"
		_, err := svc.ImportMembers(f.as(ecabinet.RoleSecretary), []byte(file), ecabinet.ImportOptions{DryRun: true})
		wantCode(t, err, ecabinet.EFORBIDDEN)

		// A dry run says what would be done, and writes nothing.
		rep, err := svc.ImportMembers(admin, []byte(file), ecabinet.ImportOptions{DryRun: true, CreateOrganizations: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied || rep.Created != 3 || rep.Invalid != 0 || !slices.Equal(rep.Organizations, []string{"Sở Giáo dục và Đào tạo"}) ||
			rep.Lines[1].NewOrganization != "Sở Giáo dục và Đào tạo" || rep.Lines[2].Line != 4 {
			t.Fatalf("dry run: %+v", rep)
		}
		if list, _ := svc.ListMembers(admin); len(list) != len(ecabinet.Roles) {
			t.Fatalf("a dry run wrote %d members", len(list)-len(ecabinet.Roles))
		}
		// Without create_organizations, a new organisation is a problem of its line.
		rep, err = svc.ImportMembers(admin, []byte(file), ecabinet.ImportOptions{})
		if e := ecabinet.AsError(err); e.Key != "import.invalid" || rep.Invalid != 1 || rep.Lines[1].Problems[0].Field != "organization" {
			t.Fatalf("unknown organisation: %v %+v", err, rep)
		}

		rep, err = svc.ImportMembers(admin, []byte(file), ecabinet.ImportOptions{CreateOrganizations: true})
		if err != nil || !rep.Applied || rep.Created != 3 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		byName := map[string]*ecabinet.Member{}
		list, _ := svc.ListMembers(admin)
		for _, m := range list {
			byName[m.Username] = m
		}
		cuc, thu := byName["sgd"], byName["vt.ubnd"]
		if cuc == nil || cuc.Title != "Giám đốc Sở Giáo dục, Đào tạo" || !cuc.Voting || cuc.Organization != "Sở Giáo dục và Đào tạo" ||
			thu.Organization != "Bộ Tài chính" || thu.Clearance != ecabinet.ClassSecret || thu.Role != ecabinet.RoleSecretary || !thu.Active {
			t.Fatalf("imported %+v %+v", cuc, thu)
		}
		// Imported members have no password: they cannot sign in until a link sets one.
		if cred, _ := store.NewSignInStore(db).Credentials(context.Background(), "sgd"); cred.PasswordHash != "" {
			t.Fatal("an imported member has a password")
		}

		// The same file again changes nothing.
		rep, err = svc.ImportMembers(admin, []byte(file), ecabinet.ImportOptions{CreateOrganizations: true})
		if err != nil || rep.Unchanged != 3 || rep.Created+rep.Updated != 0 || len(rep.Organizations) != 0 {
			t.Fatalf("again: %+v %v", rep, err)
		}
		// The export is the same file (the organisations as the list spells them).
		var out strings.Builder
		mine := []*ecabinet.Member{byName["pho.ct1"], cuc, thu}
		if err := ecabinet.WriteMembersCSV(&out, mine); err != nil {
			t.Fatal(err)
		}
		rep, err = svc.ImportMembers(admin, []byte(out.String()), ecabinet.ImportOptions{})
		if err != nil || rep.Unchanged != 3 {
			t.Fatalf("the export imported: %+v %v\n%s", rep, err, out.String())
		}
		// An edited file updates what changed.
		edited := strings.Replace(out.String(), "confidential", "secret", 1)
		rep, err = svc.ImportMembers(admin, []byte(edited), ecabinet.ImportOptions{})
		if err != nil || rep.Updated != 1 || !slices.Equal(rep.Lines[0].Changes, []string{"clearance"}) || rep.Lines[0].MemberID != byName["pho.ct1"].ID {
			t.Fatalf("edited: %+v %v", rep, err)
		}

		// Another body's admin cannot take these usernames.
		other := newFixture(t, db)
		rep, err = svc.ImportMembers(other.as(ecabinet.RoleAdmin), []byte(membersHeader+"sgd,Người khác,,,member,none,no,\n"), ecabinet.ImportOptions{DryRun: true})
		if err != nil || rep.Invalid != 1 || rep.Lines[0].Problems[0].Key != "import.username_elsewhere" {
			t.Fatalf("a username of another body: %+v %v", rep, err)
		}
		// An admin cannot demote themself by import.
		self := f.members[ecabinet.RoleAdmin]
		rep, _ = svc.ImportMembers(admin, []byte(membersHeader+self.Username+",Quản trị,,,member,none,no,\n"), ecabinet.ImportOptions{DryRun: true})
		if rep.Invalid != 1 || rep.Lines[0].Problems[0].Key != "member.self_demote" {
			t.Fatalf("self demotion: %+v", rep)
		}
	})
}

// Malformed files: each problem is named with its line and field, and
// nothing is written.
func TestImportMembersBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin := f.as(ecabinet.RoleAdmin)
		svc := store.NewMemberService(db)
		for name, c := range map[string]struct {
			file string
			key  string
		}{
			"empty":             {"", "import.empty"},
			"wrong header":      {"tên,họ tên\nx,y\n", "import.header"},
			"semicolons":        {strings.ReplaceAll(membersHeader, ",", ";") + "a;b;;;member;none;no;\n", "import.header"},
			"unbalanced quotes": {membersHeader + "a,\"Nguyễn,,,member,none,no,\n", "import.malformed"},
		} {
			_, err := svc.ImportMembers(admin, []byte(c.file), ecabinet.ImportOptions{DryRun: true})
			if e := ecabinet.AsError(err); e.Code != ecabinet.EINVALID || e.Key != c.key {
				t.Errorf("%s: %v, want %s", name, err, c.key)
			}
		}
		file := membersHeader +
			"ok.1,Người Một,,,member,none,no,\n" + // line 2: valid
			"b\xe1o,Ng\xfd\xe8n V\xe3n,,,member,none,no,\n" + // line 3: Windows-1258, not UTF-8
			"ok.1,Người Lặp,,,member,none,no,\n" + // line 4: the username of line 2
			"c,Người Ba,,,minister,cosmic,maybe,\n" + // line 5: unknown role, clearance and voting right
			"d,Người Bốn,,,member,none,no,,extra\n" + // line 6: nine fields
			"e,,,,guest,none,yes,not-an-email\n" // line 7: no name, a guest with a vote, a bad address
		rep, err := svc.ImportMembers(admin, []byte(file), ecabinet.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int][]string{
			3: {"username", "full_name"},
			4: {"username"},
			5: {"role", "clearance", "voting"},
			6: {""},
			7: {"full_name", "email", "voting"},
		}
		if rep.Invalid != len(want) || rep.Lines[0].Action != ecabinet.ImportCreate {
			t.Fatalf("report %+v", rep)
		}
		rep.Localize("en")
		for _, l := range rep.Lines[1:] {
			var fields []string
			for _, p := range l.Problems {
				fields = append(fields, p.Field)
			}
			if l.Action != ecabinet.ImportInvalid || !slices.Equal(fields, want[l.Line]) || len(l.Errors) != len(l.Problems) || l.Errors[0].Message == "" {
				t.Errorf("line %d: %s %v %+v, want problems in %v", l.Line, l.Action, fields, l.Errors, want[l.Line])
			}
		}
		// Applying refuses the whole file.
		if _, err := svc.ImportMembers(admin, []byte(file), ecabinet.ImportOptions{}); ecabinet.AsError(err).Key != "import.invalid" {
			t.Fatalf("apply: %v", err)
		}
		if list, _ := svc.ListMembers(admin); len(list) != len(ecabinet.Roles) {
			t.Fatalf("an invalid file wrote %d members", len(list)-len(ecabinet.Roles))
		}
	})
}
