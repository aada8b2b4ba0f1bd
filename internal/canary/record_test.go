package canary

import (
	"bytes"
	"errors"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	cases := []Record{
		{RunID: 1, Seq: 0, SentNanos: 0, Partition: 0, Leader: -1, Origin: []byte("us-east-1a")},
		{RunID: ^uint64(0), Seq: 1 << 40, SentNanos: 1<<62 + 7, Partition: 1<<31 - 1, Leader: 3, Origin: []byte("use1-az6")},
		{RunID: 42, Seq: 9, SentNanos: 123456789, Partition: 5, Leader: 2, Origin: []byte{}},
	}
	for _, want := range cases {
		b := AppendRecord(nil, want)
		if len(b) != EncodedLen(want) {
			t.Fatalf("encoded %d bytes, EncodedLen says %d", len(b), EncodedLen(want))
		}
		var got Record
		if err := DecodeRecord(b, &got); err != nil {
			t.Fatalf("decode %+v: %v", want, err)
		}
		if got.RunID != want.RunID || got.Seq != want.Seq || got.SentNanos != want.SentNanos ||
			got.Partition != want.Partition || got.Leader != want.Leader || !bytes.Equal(got.Origin, want.Origin) {
			t.Errorf("round trip: got %+v, want %+v", got, want)
		}
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	good := AppendRecord(nil, Record{RunID: 1, Seq: 2, Origin: []byte("zone-a")})
	wrongVersion := append([]byte(nil), good...)
	wrongVersion[0] = 2
	cases := map[string]struct {
		in   []byte
		want error
	}{
		"empty":           {nil, errRecordShort},
		"header cut":      {good[:recordHeaderSize-1], errRecordShort},
		"unknown version": {wrongVersion, errRecordVersion},
		"zone cut":        {good[:len(good)-1], errRecordZoneLen},
		"trailing bytes":  {append(append([]byte(nil), good...), 'x'), errRecordZoneLen},
		"not a canary":    {[]byte("hello world, this is a plain record value"), errRecordVersion},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var r Record
			if err := DecodeRecord(tc.in, &r); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestAppendRecordTruncatesLongZone(t *testing.T) {
	long := bytes.Repeat([]byte("z"), 300)
	b := AppendRecord(nil, Record{Origin: long})
	var r Record
	if err := DecodeRecord(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Origin) != maxZoneLen {
		t.Errorf("origin length %d, want %d", len(r.Origin), maxZoneLen)
	}
}

func TestRecordCodecDoesNotAllocate(t *testing.T) {
	rec := Record{RunID: 1, Seq: 2, SentNanos: 3, Partition: 4, Leader: 5, Origin: []byte("us-east-1a")}
	buf := make([]byte, 0, EncodedLen(rec))
	var out Record
	allocs := testing.AllocsPerRun(1000, func() {
		b := AppendRecord(buf[:0], rec)
		if err := DecodeRecord(b, &out); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("encode+decode allocates %.1f times per record, want 0", allocs)
	}
}

func BenchmarkEncodeRecord(b *testing.B) {
	rec := Record{RunID: 1, Seq: 2, SentNanos: 3, Partition: 4, Leader: 5, Origin: []byte("us-east-1a")}
	buf := make([]byte, 0, EncodedLen(rec))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec.Seq = uint64(i)
		buf = AppendRecord(buf[:0], rec)
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	buf := AppendRecord(nil, Record{RunID: 1, Seq: 2, SentNanos: 3, Partition: 4, Leader: 5, Origin: []byte("us-east-1a")})
	var r Record
	b.ReportAllocs()
	for b.Loop() {
		if err := DecodeRecord(buf, &r); err != nil {
			b.Fatal(err)
		}
	}
}
