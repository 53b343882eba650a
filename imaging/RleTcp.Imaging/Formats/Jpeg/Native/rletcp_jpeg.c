/*
 * librletcp_jpeg: libjpeg's scanline decoder for RleTcp's JPEG intake (Formats/Jpeg/JpegScanlines.cs).
 *
 * Why native glue at all: libjpeg reports an error by calling error_exit, which must not return; the only way back
 * is longjmp, and .NET can neither set a jump target nor unwind managed frames that way. TurboJPEG (which the intake
 * used alone before) does this internally but decodes a whole image per call, so the dither cannot start before the
 * decode ends. This file gives the same decoder row by row, every libjpeg call behind setjmp, nothing else: no
 * policy, no pixels touched. Built by imaging/RleTcp.Imaging/RleTcp.Imaging.csproj when a C compiler and the libjpeg
 * headers are present; without it the intake decodes through TurboJPEG as before.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define RJ_API __attribute__((visibility("default")))

typedef struct {
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr err;
    jmp_buf jump;
    int warnings;
} rj_decoder;

static void rj_error_exit(j_common_ptr cinfo)
{
    rj_decoder *self = (rj_decoder *)cinfo;
    longjmp(self->jump, 1);
}

static void rj_emit_message(j_common_ptr cinfo, int level)
{
    /* Level -1 is a warning (corrupt or truncated data that libjpeg papers over); others are traces. */
    if (level < 0) {
        ((rj_decoder *)cinfo)->warnings++;
    }
}

static void rj_output_message(j_common_ptr cinfo)
{
    (void)cinfo; /* Never to stderr: the caller decides what to say. */
}

/*
 * Opens data (len bytes, which must stay alive until rj_close), reads the header and starts decompressing as
 * TurboJPEG's tjDecompress2 does with flags 0: libjpeg's defaults (the accurate integer IDCT, fancy upsampling),
 * grey output when grey != 0, else RGB. max_memory bounds libjpeg's own allocations (0: libjpeg's default).
 * Returns NULL when the header or the start fails, or on allocation failure; *width, *height the output size.
 */
static void rj_start(rj_decoder *self, const unsigned char *data, unsigned long len, int grey, long max_memory)
{
    jpeg_create_decompress(&self->d);
    if (max_memory > 0) {
        self->d.mem->max_memory_to_use = max_memory;
    }

    jpeg_mem_src(&self->d, data, len);
    jpeg_read_header(&self->d, TRUE);
    self->d.out_color_space = grey ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&self->d);
}

/* 0 when the decoder started, -1 when a libjpeg call failed (the decoder is destroyed then). */
static int rj_begin(rj_decoder *self, const unsigned char *data, unsigned long len, int grey, long max_memory)
{
    if (setjmp(self->jump)) {
        jpeg_destroy_decompress(&self->d);
        return -1;
    }

    rj_start(self, data, len, grey, max_memory);
    return 0;
}

RJ_API rj_decoder *rj_open(const unsigned char *data, unsigned long len, int grey, long max_memory, int *width, int *height)
{
    rj_decoder *self = (rj_decoder *)calloc(1, sizeof(rj_decoder));
    if (self == NULL) {
        return NULL;
    }

    self->d.err = jpeg_std_error(&self->err);
    self->err.error_exit = rj_error_exit;
    self->err.emit_message = rj_emit_message;
    self->err.output_message = rj_output_message;
    if (rj_begin(self, data, len, grey, max_memory) != 0) {
        free(self);
        return NULL;
    }

    *width = (int)self->d.output_width;
    *height = (int)self->d.output_height;
    return self;
}

/*
 * Decodes up to rows scanlines into dst (one every pitch bytes). Returns how many were decoded (0 once all are), or
 * -1 on a libjpeg error, after which only rj_close may be called.
 */
static int rj_read_rows(rj_decoder *self, unsigned char *dst, int pitch, int rows)
{
    JSAMPROW pointers[32];
    int done = 0;
    while (done < rows && self->d.output_scanline < self->d.output_height) {
        int want = rows - done;
        if (want > 32) {
            want = 32;
        }

        for (int i = 0; i < want; i++) {
            pointers[i] = dst + ((size_t)(done + i) * (size_t)pitch);
        }

        JDIMENSION got = jpeg_read_scanlines(&self->d, pointers, (JDIMENSION)want);
        if (got == 0) {
            /* A memory source never suspends; no progress means the stream ended (libjpeg warned). */
            return done;
        }

        done += (int)got;
    }

    return done;
}

RJ_API int rj_read(rj_decoder *self, unsigned char *dst, int pitch, int rows)
{
    if (setjmp(self->jump)) {
        return -1;
    }

    return rj_read_rows(self, dst, pitch, rows);
}

/* Reads to the end of the image (after every scanline). 0 when it succeeded, -1 on a libjpeg error. */
RJ_API int rj_finish(rj_decoder *self)
{
    if (setjmp(self->jump)) {
        return -1;
    }

    jpeg_finish_decompress(&self->d);
    return 0;
}

/* How many warnings libjpeg has emitted so far (corrupt or truncated data it recovered from). */
RJ_API int rj_warnings(const rj_decoder *self)
{
    return self->warnings;
}

/* Frees everything rj_open allocated (in any state). */
RJ_API void rj_close(rj_decoder *self)
{
    if (self == NULL) {
        return;
    }

    jpeg_destroy_decompress(&self->d);
    free(self);
}
