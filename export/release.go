package export

import (
	"bytes"
	"reflect"
	"unsafe"

	"github.com/xuri/excelize/v2"
)

// releaseStreamBuffer lets go of the write buffer of a sheet whose stream was flushed, and
// reports whether it could. excelize (v2.11.1) keeps each sheet's buffer — 16 MB before it spills
// to its temporary file, 16–32 MB of capacity once grown — until the workbook is written, even
// after Flush sent the sheet's data to that file and emptied it: a year of a city (5 sheets of
// reports) held about 90 MB that nothing would read again. excelize has no call for it, so the
// buffer (StreamWriter.rawData.buf, a bytes.Buffer) is found by name and replaced only when it is
// empty: an empty buffer for an empty one changes nothing but the memory. Should excelize rename
// or retype the fields, nothing is touched and the export only uses more memory
// (TestStreamBufferReleased says so).
func releaseStreamBuffer(sw *excelize.StreamWriter) bool {
	if sw == nil {
		return false
	}
	raw := reflect.ValueOf(sw).Elem().FieldByName("rawData")
	if !raw.IsValid() || raw.Kind() != reflect.Struct {
		return false
	}
	buf := raw.FieldByName("buf")
	if !buf.IsValid() || buf.Type() != reflect.TypeOf(bytes.Buffer{}) || !buf.CanAddr() {
		return false
	}
	b := (*bytes.Buffer)(unsafe.Pointer(buf.UnsafeAddr()))
	if b.Len() != 0 {
		return false // the sheet never spilled to a file: the buffer is its data
	}
	*b = bytes.Buffer{}
	return true
}
