package config

import "strings"

// ObjectLockMode is the S3 Object Lock retention mode.
type ObjectLockMode string

// Object Lock modes.
const (
	ObjectLockGovernance ObjectLockMode = "GOVERNANCE"
	ObjectLockCompliance ObjectLockMode = "COMPLIANCE"
)

var (
	keyTierPrefix = define(Key{Name: "tieredStoragePrefix", Type: String, Default: "tiered/",
		Description: "Key prefix for Kafka's remote log segments in the tiered-storage bucket; the broker role may touch only this prefix."})
	keyObjectLock = define(Key{Name: "objectLockEnabled", Type: Boolean, Default: false,
		Description: "Create the tiered-storage bucket with S3 Object Lock (WORM) for SEC 17a-4 / MiFID II journals. Can only be chosen when the bucket is created."})
	keyObjectLockMode = define(Key{Name: "objectLockMode", Type: String, Default: "",
		Description: "Object Lock default retention mode when objectLockEnabled: GOVERNANCE (privileged users may shorten) or COMPLIANCE (nobody may, not even root)."})
	keyObjectLockDays = define(Key{Name: "objectLockRetentionDays", Type: Integer, Default: 0,
		Description: "Object Lock default retention in days when objectLockEnabled (e.g. 2557 for seven years). Must not exceed the journal topic's retention, or Kafka's deletes of expired segments fail."})
	keyNoncurrentDays = define(Key{Name: "noncurrentVersionExpirationDays", Type: Integer, Default: 30,
		Description: "Days a deleted or overwritten segment version is kept before expiry (a window to undo an accidental delete)."})
	keyAbortMultipartDays = define(Key{Name: "abortIncompleteMultipartDays", Type: Integer, Default: 2,
		Description: "Days after which incomplete multipart uploads (left by broker restarts mid-upload) are aborted so their parts stop costing money."})
	keyAccessLogDays = define(Key{Name: "accessLogRetentionDays", Type: Integer, Default: 365,
		Description: "Days S3 server access logs of the tiered-storage bucket are kept in the log bucket."})
)

// TierConfig is the tiered-storage bucket.
type TierConfig struct {
	// Prefix is the object key prefix for remote segments ("tiered/").
	Prefix string
	// ObjectLock, ObjectLockMode and ObjectLockDays configure WORM retention.
	ObjectLock     bool
	ObjectLockMode ObjectLockMode
	ObjectLockDays int
	// NoncurrentDays, AbortMultipartDays and AccessLogDays are lifecycle rules.
	NoncurrentDays     int
	AbortMultipartDays int
	AccessLogDays      int
}

func (t *TierConfig) parse(r *reader) {
	t.Prefix = r.str(keyTierPrefix)
	t.ObjectLock = r.boolean(keyObjectLock)
	t.ObjectLockMode = ObjectLockMode(r.str(keyObjectLockMode))
	t.ObjectLockDays = r.integer(keyObjectLockDays)
	t.NoncurrentDays = r.integer(keyNoncurrentDays)
	t.AbortMultipartDays = r.integer(keyAbortMultipartDays)
	t.AccessLogDays = r.integer(keyAccessLogDays)
}

func (t *TierConfig) validate(_ *Config, p *Problems) {
	if t.Prefix == "" || !strings.HasSuffix(t.Prefix, "/") || strings.HasPrefix(t.Prefix, "/") {
		p.Add(keyTierPrefix.Name, t.Prefix, "a non-empty prefix ending in / and not starting with /", "use e.g. tiered/")
	}
	if t.ObjectLock {
		switch t.ObjectLockMode {
		case ObjectLockGovernance, ObjectLockCompliance:
		default:
			p.Add(keyObjectLockMode.Name, string(t.ObjectLockMode), "GOVERNANCE or COMPLIANCE when objectLockEnabled is true",
				"set objectLockMode (COMPLIANCE for SEC 17a-4) or turn objectLockEnabled off")
		}
		if t.ObjectLockDays < 1 {
			p.Addf(keyObjectLockDays.Name, t.ObjectLockDays, "at least 1 day when objectLockEnabled is true", "set objectLockRetentionDays, e.g. 2557")
		}
	} else if t.ObjectLockMode != "" || t.ObjectLockDays != 0 {
		p.Add(keyObjectLock.Name, "false", "true when objectLockMode or objectLockRetentionDays is set",
			"set objectLockEnabled: true, or remove the mode and retention")
	}
	if t.NoncurrentDays < 1 {
		p.Addf(keyNoncurrentDays.Name, t.NoncurrentDays, "at least 1", "use e.g. 30")
	}
	if t.AbortMultipartDays < 1 {
		p.Addf(keyAbortMultipartDays.Name, t.AbortMultipartDays, "at least 1", "use e.g. 2")
	}
	if t.AccessLogDays < 1 {
		p.Addf(keyAccessLogDays.Name, t.AccessLogDays, "at least 1", "use e.g. 365")
	}
}
