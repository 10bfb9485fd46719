package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"strconv"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

// UploadVersion uploads size bytes of content (a PDF) as the new version
// of a document, as multipart/form-data with a known length, streaming it:
// the client never holds the file in memory.
func (c *Client) UploadVersion(ctx context.Context, documentID int64, filename string, content io.Reader, size int64) (*ecabinet.Document, error) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if _, err := mw.CreateFormFile("file", filename); err != nil {
		return nil, err
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(content, size), bytes.NewReader([]byte(tail)))
	req, err := c.newRequest(ctx, "POST", "/api/v1/documents/"+strconv.FormatInt(documentID, 10)+"/versions", body, mw.FormDataContentType(), nil)
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(head.Len()) + size + int64(len(tail))
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var d ecabinet.Document
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		return nil, err
	}
	return &d, nil
}
