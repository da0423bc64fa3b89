package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// FileOptions configure NewFile.
type FileOptions struct {
	// SweepInterval is how often expired files are removed (default one
	// minute; negative: never, expired keys are still invisible).
	SweepInterval time.Duration
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// File is a store in a directory: one file per key, written to a
// temporary file and renamed into place (a reader never sees half a
// value), mode 0600 in a 0700 directory. File names are the key with
// every byte outside [a-z0-9_-] escaped (case-insensitive file systems
// are safe), or a hash of it when that would be too long; the key itself
// is kept inside the file. Expired files are swept periodically.
//
// Atomic operations are atomic within one process (Take is atomic across
// processes too: it claims the file by renaming it). Publish/Subscribe
// reach the subscribers of this process only. Writes are not fsynced: a
// process restart keeps everything, a power cut may lose the last writes.
type File struct {
	dir   string
	now   func() time.Time
	mu    sync.Mutex // serialises the read-modify-write operations
	hub   hub
	done  chan struct{}
	close sync.Once
	wg    sync.WaitGroup

	closedMu sync.RWMutex
	closed   bool
}

const (
	fileMagic   = "MCPGENS1"
	tmpPrefix   = ".tmp-"
	takePrefix  = ".take-"
	hashPrefix  = "h-"
	maxNameLen  = 200
	fileHdrSize = len(fileMagic) + 8 + 2
)

// NewFile opens (creating it when missing) the store in dir.
func NewFile(dir string, o FileOptions) (*File, error) {
	if dir == "" {
		return nil, errors.New("store: file store needs a directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: file store %s: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, tmpPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: file store %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SweepInterval == 0 {
		o.SweepInterval = time.Minute
	}
	f := &File{dir: dir, now: o.Now, done: make(chan struct{})}
	f.cleanTemps()
	if o.SweepInterval > 0 {
		f.wg.Add(1)
		go f.sweeper(o.SweepInterval)
	}
	return f, nil
}

// Dir returns the store's directory.
func (f *File) Dir() string { return f.dir }

// fileName turns a key into a file name.
func fileName(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if b.Len() > maxNameLen || strings.HasPrefix(b.String(), hashPrefix) {
		sum := sha256.Sum256([]byte(key))
		return hashPrefix + hex.EncodeToString(sum[:])
	}
	return b.String()
}

func (f *File) path(key string) string { return filepath.Join(f.dir, fileName(key)) }

func encodeFile(key string, val []byte, exp time.Time) []byte {
	buf := make([]byte, 0, fileHdrSize+len(key)+len(val))
	buf = append(buf, fileMagic...)
	var n int64
	if !exp.IsZero() {
		n = exp.UnixNano()
	}
	buf = binary.BigEndian.AppendUint64(buf, uint64(n))
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(key)))
	buf = append(buf, key...)
	return append(buf, val...)
}

// decodeFile returns the key, value and expiry of a file's contents.
func decodeFile(b []byte) (key string, val []byte, exp time.Time, err error) {
	if len(b) < fileHdrSize || string(b[:len(fileMagic)]) != fileMagic {
		return "", nil, exp, errors.New("not a store file")
	}
	n := int64(binary.BigEndian.Uint64(b[len(fileMagic):]))
	kl := int(binary.BigEndian.Uint16(b[len(fileMagic)+8:]))
	if len(b) < fileHdrSize+kl {
		return "", nil, exp, errors.New("truncated store file")
	}
	if n != 0 {
		exp = time.Unix(0, n)
	}
	return string(b[fileHdrSize : fileHdrSize+kl]), b[fileHdrSize+kl:], exp, nil
}

func (f *File) begin(key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	f.closedMu.RLock()
	defer f.closedMu.RUnlock()
	if f.closed {
		return ErrClosed
	}
	return nil
}

// read returns the live value of key (ErrNotFound when missing or
// expired; an expired file is removed).
func (f *File) read(key string) ([]byte, time.Time, error) {
	p := f.path(key)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, time.Time{}, ErrNotFound
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: %w", err)
	}
	k, val, exp, err := decodeFile(b)
	if err != nil || k != key {
		return nil, time.Time{}, ErrNotFound
	}
	if !exp.IsZero() && !f.now().Before(exp) {
		os.Remove(p)
		return nil, time.Time{}, ErrNotFound
	}
	return val, exp, nil
}

func (f *File) write(key string, val []byte, ttl time.Duration) error {
	tmp, err := os.CreateTemp(f.dir, tmpPrefix)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	name := tmp.Name()
	_, err = tmp.Write(encodeFile(key, val, expiry(f.now(), ttl)))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o600)
	}
	if err == nil {
		err = os.Rename(name, f.path(key))
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Get implements Store.
func (f *File) Get(_ context.Context, key string) ([]byte, error) {
	if err := f.begin(key); err != nil {
		return nil, err
	}
	v, _, err := f.read(key)
	return v, err
}

// Set implements Store.
func (f *File) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	if err := f.begin(key); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.write(key, val, ttl)
}

// Add implements Store.
func (f *File) Add(_ context.Context, key string, val []byte, ttl time.Duration) (bool, error) {
	if err := f.begin(key); err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, _, err := f.read(key); err == nil {
		return false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return false, err
	}
	return true, f.write(key, val, ttl)
}

// CompareAndSwap implements Store.
func (f *File) CompareAndSwap(_ context.Context, key string, old, val []byte, ttl time.Duration) (bool, error) {
	if err := f.begin(key); err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, _, err := f.read(key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !bytes.Equal(cur, old) {
		return false, nil
	}
	return true, f.write(key, val, ttl)
}

// Take implements Store. The file is claimed by renaming it, which only
// one caller (in any process) can do.
func (f *File) Take(_ context.Context, key string) ([]byte, error) {
	if err := f.begin(key); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var rnd [8]byte
	rand.Read(rnd[:])
	claimed := filepath.Join(f.dir, takePrefix+hex.EncodeToString(rnd[:]))
	if err := os.Rename(f.path(key), claimed); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: %w", err)
	}
	defer os.Remove(claimed)
	b, err := os.ReadFile(claimed)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	k, val, exp, err := decodeFile(b)
	if err != nil || k != key || (!exp.IsZero() && !f.now().Before(exp)) {
		return nil, ErrNotFound
	}
	return val, nil
}

// Delete implements Store.
func (f *File) Delete(_ context.Context, key string) error {
	if err := f.begin(key); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.Remove(f.path(key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// header reads the key and expiry of a store file without its value.
func readHeader(p string) (string, time.Time, error) {
	fh, err := os.Open(p)
	if err != nil {
		return "", time.Time{}, err
	}
	defer fh.Close()
	buf := make([]byte, fileHdrSize+MaxKeyLen)
	n, err := io.ReadFull(fh, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", time.Time{}, err
	}
	buf = buf[:n]
	if len(buf) < fileHdrSize {
		return "", time.Time{}, errors.New("short file")
	}
	kl := int(binary.BigEndian.Uint16(buf[len(fileMagic)+8:]))
	if len(buf) < fileHdrSize+kl {
		return "", time.Time{}, errors.New("short file")
	}
	k, _, exp, err := decodeFile(buf[:fileHdrSize+kl])
	return k, exp, err
}

// List implements Store.
func (f *File) List(_ context.Context, prefix string) ([]string, error) {
	f.closedMu.RLock()
	closed := f.closed
	f.closedMu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	ents, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	now := f.now()
	var out []string
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
			continue
		}
		k, exp, err := readHeader(filepath.Join(f.dir, name))
		if err != nil || !strings.HasPrefix(k, prefix) || (!exp.IsZero() && !now.Before(exp)) {
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out, nil
}

// Publish implements Store (subscribers of this process only).
func (f *File) Publish(_ context.Context, channel string, msg []byte) error {
	if err := f.begin("c"); err != nil {
		return err
	}
	f.hub.publish(channel, msg)
	return nil
}

// Subscribe implements Store (publishers of this process only).
func (f *File) Subscribe(ctx context.Context, channel string) (*Subscription, error) {
	if err := f.begin("c"); err != nil {
		return nil, err
	}
	return f.hub.subscribe(ctx, channel), nil
}

// Sweep removes the files of expired keys and leftovers of interrupted
// writes; the sweeper calls it periodically.
func (f *File) Sweep() {
	ents, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	now := f.now()
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(f.dir, name)
		if _, exp, err := readHeader(p); err == nil && !exp.IsZero() && !now.Before(exp) {
			f.mu.Lock()
			// Re-check under the lock: a Set may have replaced it.
			if _, exp2, err := readHeader(p); err == nil && !exp2.IsZero() && !now.Before(exp2) {
				os.Remove(p)
			}
			f.mu.Unlock()
		}
	}
}

// cleanTemps removes temporary files an earlier process left behind.
func (f *File) cleanTemps() {
	ents, _ := os.ReadDir(f.dir)
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, tmpPrefix) || strings.HasPrefix(n, takePrefix) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
				os.Remove(filepath.Join(f.dir, n))
			}
		}
	}
}

func (f *File) sweeper(every time.Duration) {
	defer f.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-f.done:
			return
		case <-t.C:
			f.Sweep()
			f.cleanTemps()
		}
	}
}

// Close implements Store: it stops the sweeper and ends subscriptions.
// The files stay.
func (f *File) Close() error {
	f.close.Do(func() {
		f.closedMu.Lock()
		f.closed = true
		f.closedMu.Unlock()
		close(f.done)
		f.wg.Wait()
		f.hub.closeAll()
	})
	return nil
}
