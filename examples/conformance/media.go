package conformance

import "encoding/base64"

// The suite only checks that image and audio blocks carry data and a MIME
// type, but the payloads are real files so that a client that decodes
// them (an inspector, a model) does not choke on them.
const (
	// redPixelPNGBase64 is a 1x1 red RGB PNG.
	redPixelPNGBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC"
	// silenceWAVBase64 is 1 ms of 8 kHz, 8-bit mono PCM silence.
	silenceWAVBase64 = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA=="
)

var (
	redPixelPNG = mustDecodeBase64(redPixelPNGBase64)
	silenceWAV  = mustDecodeBase64(silenceWAVBase64)
)

// mustDecodeBase64 panics at package initialisation if a constant above is
// corrupt, which a test run catches at once.
func mustDecodeBase64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic("conformance: bad embedded media: " + err.Error())
	}
	return b
}
