package webadmittest

import (
	"encoding/xml"
	"net/http"
	"strconv"
)

// s3Time is the time layout of S3 error bodies.
const s3Time = "2006-01-02T15:04:05Z"

// s3Error is an S3-style XML error body.
type s3Error struct {
	XMLName          xml.Name `xml:"Error"`
	Status           int      `xml:"-"`
	Code             string   `xml:"Code"`
	Message          string   `xml:"Message"`
	Key              string   `xml:"Key,omitempty"`
	AWSAccessKeyID   string   `xml:"AWSAccessKeyId,omitempty"`
	Expires          string   `xml:"Expires,omitempty"`
	ServerTime       string   `xml:"ServerTime,omitempty"`
	RangeRequested   string   `xml:"RangeRequested,omitempty"`
	ActualObjectSize string   `xml:"ActualObjectSize,omitempty"`
	Method           string   `xml:"Method,omitempty"`
	RequestID        string   `xml:"RequestId"`
	HostID           string   `xml:"HostId"`
}

// write sends the error; HEAD requests get the status and headers only, as
// from S3.
func (e *s3Error) write(w http.ResponseWriter, r *http.Request, requestID string) {
	e.RequestID, e.HostID = requestID, "webadmittest"
	body, err := xml.Marshal(e)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body = append([]byte(xml.Header), body...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
