package canary

import (
	"encoding/binary"
	"errors"
)

// Wire format of a canary record value (big-endian, fixed header then the
// origin zone):
//
//	offset size field
//	0      1    version (recordVersion)
//	1      8    run ID: identifies one canary process (its start time in ns)
//	9      8    sequence number, per partition and run, starting at 0
//	17     8    send time: monotonic ns since the run started
//	25     4    partition the record was produced to
//	29     4    leader of that partition at send time (-1 unknown)
//	33     1    length n of the origin zone
//	34     n    origin zone (the producing canary's zone)
//
// The send time is monotonic and relative to the run, so it is only
// meaningful to the process that wrote it; the canary measures end-to-end
// latency only for its own records (same run ID), where it is exact and
// immune to wall-clock steps.
const (
	recordVersion    = 1
	recordHeaderSize = 34
	// maxZoneLen bounds the origin zone; AWS zone names and IDs are far
	// shorter (e.g. "us-east-1a", "use1-az1").
	maxZoneLen = 255
)

// Decode errors are sentinels so decoding never allocates.
var (
	errRecordShort   = errors.New("canary record: shorter than header")
	errRecordVersion = errors.New("canary record: unknown version")
	errRecordZoneLen = errors.New("canary record: zone length does not match record size")
)

// Record is one canary record. Origin aliases the decoded buffer: copy it
// if it must outlive the buffer.
type Record struct {
	// RunID identifies the producing process (its start time, ns since the
	// Unix epoch), so a restarted canary's sequence numbers start afresh.
	RunID uint64
	// Seq is the per-partition, per-run sequence number, starting at 0.
	Seq uint64
	// SentNanos is the send time in monotonic ns since the run started.
	SentNanos int64
	// Partition is the partition the record was produced to; a mismatch
	// with the partition it was consumed from means misrouting.
	Partition int32
	// Leader is the broker id leading Partition when the record was sent
	// (-1 unknown), so end-to-end latency is labelled by the leader that
	// took the write even if leadership moved before it was consumed.
	Leader int32
	// Origin is the zone of the producing canary.
	Origin []byte
}

// AppendRecord appends the encoding of r to dst and returns the extended
// slice. It does not allocate when dst has room for EncodedLen(r).
func AppendRecord(dst []byte, r Record) []byte {
	origin := r.Origin
	if len(origin) > maxZoneLen {
		origin = origin[:maxZoneLen]
	}
	dst = append(dst, recordVersion)
	dst = binary.BigEndian.AppendUint64(dst, r.RunID)
	dst = binary.BigEndian.AppendUint64(dst, r.Seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(r.SentNanos))
	dst = binary.BigEndian.AppendUint32(dst, uint32(r.Partition))
	dst = binary.BigEndian.AppendUint32(dst, uint32(r.Leader))
	dst = append(dst, byte(len(origin)))
	return append(dst, origin...)
}

// EncodedLen is the size of r's encoding.
func EncodedLen(r Record) int {
	return recordHeaderSize + min(len(r.Origin), maxZoneLen)
}

// DecodeRecord decodes b into r without allocating; r.Origin aliases b.
func DecodeRecord(b []byte, r *Record) error {
	if len(b) < recordHeaderSize {
		return errRecordShort
	}
	if b[0] != recordVersion {
		return errRecordVersion
	}
	n := int(b[33])
	if len(b) != recordHeaderSize+n {
		return errRecordZoneLen
	}
	r.RunID = binary.BigEndian.Uint64(b[1:9])
	r.Seq = binary.BigEndian.Uint64(b[9:17])
	r.SentNanos = int64(binary.BigEndian.Uint64(b[17:25]))
	r.Partition = int32(binary.BigEndian.Uint32(b[25:29]))
	r.Leader = int32(binary.BigEndian.Uint32(b[29:33]))
	r.Origin = b[recordHeaderSize : recordHeaderSize+n]
	return nil
}
