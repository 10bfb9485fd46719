package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// requestHash identifies what a request asked for, so a key reused for a
// different request is refused.
func requestHash(parts ...any) (string, error) {
	b, err := json.Marshal(parts)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// idempotencyRow is a stored idempotency key with its answer.
type idempotencyRow struct {
	MemberID    int64
	Key         string
	RequestHash string
	Response    string
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// checkKey refuses a key longer than the table keeps.
func checkKey(key string) error {
	if len(key) > 200 {
		return ecabinet.FieldError("Idempotency-Key", "field.too_long", "Idempotency-Key", 200)
	}
	return nil
}

// claimKey records an idempotency key in the transaction of the request.
// It returns the stored answer of an earlier request with the same key and
// body (replay is true), refuses the key for a different body, or claims it
// (the caller then stores its answer with storeAnswer in the same
// transaction). A failed request rolls the claim back, so only successes are
// remembered. Concurrent requests with one key queue on its primary key.
func (tx *Tx) claimKey(memberID int64, key, hash string, out any) (replay bool, err error) {
	if key == "" {
		return false, nil
	}
	if err := checkKey(key); err != nil {
		return false, err
	}
	res := tx.Exec("INSERT INTO idempotency_keys (member_id, key, request_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		memberID, key, hash, tx.db.Now())
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 1 {
		return false, nil
	}
	var row struct {
		RequestHash string
		Response    string
	}
	if err := tx.Raw("SELECT request_hash, response FROM idempotency_keys WHERE member_id = ? AND key = ?", memberID, key).Scan(&row).Error; err != nil {
		return false, err
	}
	if row.RequestHash != hash || row.Response == "" {
		return false, ecabinet.Errorf(ecabinet.EIDEMPOTENCY, "idempotency.reused")
	}
	return true, json.Unmarshal([]byte(row.Response), out)
}

// storeAnswer remembers the answer of a claimed key.
func (tx *Tx) storeAnswer(memberID int64, key string, answer any) error {
	if key == "" {
		return nil
	}
	b, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	return tx.Exec("UPDATE idempotency_keys SET response = ? WHERE member_id = ? AND key = ?", string(b), memberID, key).Error
}

// DeleteOldKeys forgets idempotency keys older than before (retries come
// within minutes; a day is ample).
func (db *DB) DeleteOldKeys(before time.Time) error {
	return translate(db.gorm.Exec("DELETE FROM idempotency_keys WHERE created_at < ?", before).Error)
}
