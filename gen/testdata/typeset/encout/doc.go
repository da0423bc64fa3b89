// Package encout holds the encoders TestTypeSetEncoders generates for
// package encfixture, and the test that compares them with encoding/json.
package encout
