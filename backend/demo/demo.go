// Package demo seeds the demo body: a fictional Government of 27 members
// (fictional personal names, real ministry titles), two secretariat
// accounts and an admin (demo.go), then an upcoming session with its agenda
// and PDF documents and an open written ballot (activity.go). Seeding is
// idempotent: each part checks what is already there, so a restart adds
// nothing twice and a new release adds only its new parts.
package demo

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/ecabinet/ecabinet/backend/store"
)

// BodySlug is the slug of the demo body.
const BodySlug = "chinh-phu"

// Account is one demo account.
type Account struct {
	Username, FullName, Title, Organization string
	Precedence                              int
	Role                                    ecabinet.Role
	Clearance                               ecabinet.Classification
	Voting                                  bool
}

// Accounts lists the demo accounts: the Prime Minister, four Deputy Prime
// Ministers and 22 heads of ministries and ministerial agencies (27 members
// with a vote), two secretaries of the Government Office and one admin.
func Accounts() []Account {
	acc := []Account{
		{"admin", "Quản trị hệ thống", "Quản trị viên", "Văn phòng Chính phủ", 0, ecabinet.RoleAdmin, ecabinet.ClassNone, false},
		{"secretary1", "Lê Thu Hà", "Vụ trưởng Vụ Tổng hợp", "Văn phòng Chính phủ", 1, ecabinet.RoleSecretary, ecabinet.ClassSecret, false},
		{"secretary2", "Phạm Quốc Bảo", "Chuyên viên chính Vụ Tổng hợp", "Văn phòng Chính phủ", 2, ecabinet.RoleSecretary, ecabinet.ClassConfidential, false},
		{"chair", "Nguyễn Minh Đức", "Thủ tướng Chính phủ", "Chính phủ", 0, ecabinet.RoleChair, ecabinet.ClassTopSecret, true},
	}
	members := []struct{ name, title, org string }{
		{"Trần Quang Huy", "Phó Thủ tướng Chính phủ", "Chính phủ"},
		{"Lê Thị Thanh Mai", "Phó Thủ tướng Chính phủ", "Chính phủ"},
		{"Võ Văn Khải", "Phó Thủ tướng Chính phủ", "Chính phủ"},
		{"Đặng Hoàng Long", "Phó Thủ tướng Chính phủ", "Chính phủ"},
		{"Hoàng Trọng Nghĩa", "Bộ trưởng Bộ Quốc phòng", "Bộ Quốc phòng"},
		{"Bùi Đức Thắng", "Bộ trưởng Bộ Công an", "Bộ Công an"},
		{"Ngô Thị Lan Anh", "Bộ trưởng Bộ Ngoại giao", "Bộ Ngoại giao"},
		{"Đỗ Văn Tùng", "Bộ trưởng Bộ Nội vụ", "Bộ Nội vụ"},
		{"Phan Thị Hồng Nhung", "Bộ trưởng Bộ Tư pháp", "Bộ Tư pháp"},
		{"Vũ Mạnh Cường", "Bộ trưởng Bộ Kế hoạch và Đầu tư", "Bộ Kế hoạch và Đầu tư"},
		{"Trịnh Thị Thu Trang", "Bộ trưởng Bộ Tài chính", "Bộ Tài chính"},
		{"Lý Văn Phúc", "Bộ trưởng Bộ Công Thương", "Bộ Công Thương"},
		{"Dương Quốc Toàn", "Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Nông nghiệp và Phát triển nông thôn"},
		{"Mai Xuân Hòa", "Bộ trưởng Bộ Giao thông vận tải", "Bộ Giao thông vận tải"},
		{"Tạ Thị Ngọc Diệp", "Bộ trưởng Bộ Xây dựng", "Bộ Xây dựng"},
		{"Cao Văn Sơn", "Bộ trưởng Bộ Tài nguyên và Môi trường", "Bộ Tài nguyên và Môi trường"},
		{"Hồ Minh Tuấn", "Bộ trưởng Bộ Thông tin và Truyền thông", "Bộ Thông tin và Truyền thông"},
		{"Lưu Thị Kim Oanh", "Bộ trưởng Bộ Lao động - Thương binh và Xã hội", "Bộ Lao động - Thương binh và Xã hội"},
		{"Kiều Văn Bình", "Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch", "Bộ Văn hóa, Thể thao và Du lịch"},
		{"Đinh Công Hậu", "Bộ trưởng Bộ Khoa học và Công nghệ", "Bộ Khoa học và Công nghệ"},
		{"Quách Thị Minh Châu", "Bộ trưởng Bộ Giáo dục và Đào tạo", "Bộ Giáo dục và Đào tạo"},
		{"Lạc Văn Thịnh", "Bộ trưởng Bộ Y tế", "Bộ Y tế"},
		{"Thái Văn Hiếu", "Bộ trưởng, Chủ nhiệm Ủy ban Dân tộc", "Ủy ban Dân tộc"},
		{"Nghiêm Thị Phương", "Thống đốc Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước Việt Nam"},
		{"La Quốc Vinh", "Tổng Thanh tra Chính phủ", "Thanh tra Chính phủ"},
		{"Âu Dương Khánh", "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", "Văn phòng Chính phủ"},
	}
	for i, m := range members {
		clearance := ecabinet.ClassConfidential
		if i < 6 { // Deputy Prime Ministers, Defence and Public Security
			clearance = ecabinet.ClassSecret
		}
		acc = append(acc, Account{fmt.Sprintf("member%02d", i+1), m.name, m.title, m.org, i + 1, ecabinet.RoleMember, clearance, true})
	}
	return acc
}

// Seed makes sure the demo body and its accounts exist. Every demo account
// has the given password.
func Seed(ctx context.Context, db *store.DB, h store.PasswordHasher, password string, log *slog.Logger) (*ecabinet.Body, error) {
	body, err := db.FindBodyBySlug(ctx, BodySlug)
	if ecabinet.ErrorCode(err) == ecabinet.ENOTFOUND {
		body, err = db.CreateBody(ctx, BodySlug, "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam", ecabinet.DefaultBodySettings())
		if err == nil {
			log.Info("demo body created", "body_id", body.ID)
		}
	}
	if err != nil {
		return nil, err
	}
	existing, err := db.Usernames(ctx, body.ID)
	if err != nil {
		return nil, err
	}
	// Every demo account has the same, published password, so one hash
	// serves them all (hashing is deliberately slow: 30 hashes would add
	// seconds to every start of a test instance).
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	same := sameHash(hash)
	added := 0
	for _, a := range Accounts() {
		if existing[a.Username] {
			continue
		}
		added++
		in := ecabinet.MemberInput{Username: a.Username, Password: password, FullName: a.FullName, Title: a.Title,
			Organization: a.Organization, Precedence: a.Precedence, Role: a.Role, Clearance: a.Clearance, Voting: a.Voting, Active: true}
		if _, err := db.CreateMember(ctx, same, body.ID, in); err != nil {
			return nil, fmt.Errorf("demo: create %s: %w", in.Username, err)
		}
	}
	if added > 0 {
		log.Info("demo accounts created", "count", added)
	}
	return body, nil
}

// sameHash is a PasswordHasher that returns one precomputed hash.
type sameHash string

func (s sameHash) Hash(context.Context, string) (string, error) { return string(s), nil }
