/*
 * fmt@ogg_*: libvorbisfile over an in-memory file, for runtime/src/libs/fmt/ogg.rs.
 *
 * libvorbis 1.3.7 and libvorbisfile are the C sources the `vorbis-sys` crate
 * ships (its lib/ directory, byte-identical to the 1.3.7 release); libogg
 * comes from `ogg-sys`. build.rs compiles this one translation unit with the
 * flags libvorbis' own build uses (-O2 -ffast-math -fsigned-char, as in
 * Debian's libvorbis, which HashLink's fmt.hdll links): of the decoder's
 * files only the MDCT's floating-point results depend on them (about one
 * 16-bit sample in 6000 differs by one step without -ffast-math), so the MDCT
 * and vorbisfile are compiled here, and the rest of the decoder is the
 * vorbis-sys archive, whose results do not depend on those flags.
 *
 * vorbis-sys' archive defines the MDCT functions too. Ours win because the
 * runtime references only the functions below; linking them pulls this
 * object in, which defines mdct_*, before anything (mapping0, block) that
 * calls the MDCT is pulled from the archive. The exact-output tests in
 * runtime/tests/libs_fmt_codecs.rs fail if that ever stops being true.
 */
#include "mdct.c"
#include "vorbisfile.c"

/* libhl's fmt_ogg: the file and a read position, with vorbisfile's state. */
typedef struct {
    OggVorbis_File f;
    const unsigned char *bytes;
    int pos;
    int size;
    int section;
} hlrt_ogg;

/* libhl's callbacks: fread-like read, fseek-like seek returning non-zero
 * when the target is outside the file, SEEK_END measured back from the end. */
static size_t hlrt_ogg_read_cb(void *ptr, size_t size, size_t count, void *ds) {
    hlrt_ogg *o = ds;
    int len = (int)(size * count);
    if (o->pos + len > o->size)
        len = o->size - o->pos;
    memcpy(ptr, o->bytes + o->pos, len);
    o->pos += len;
    return len;
}

static int hlrt_ogg_seek_cb(void *ds, ogg_int64_t offset64, int mode) {
    hlrt_ogg *o = ds;
    int offset = (int)offset64;
    switch (mode) {
    case SEEK_SET:
        if (offset < 0 || offset > o->size) return 1;
        o->pos = offset;
        break;
    case SEEK_CUR:
        if (o->pos + offset < 0 || o->pos + offset > o->size) return 1;
        o->pos += offset;
        break;
    case SEEK_END:
        if (offset < 0 || offset > o->size) return 1;
        o->pos = o->size - offset;
        break;
    }
    return 0;
}

static long hlrt_ogg_tell_cb(void *ds) {
    return ((hlrt_ogg *)ds)->pos;
}

/* Opens `bytes` (which must outlive the handle); NULL if it is not Ogg Vorbis. */
hlrt_ogg *hlrt_ogg_open(const unsigned char *bytes, int size) {
    ov_callbacks cb = { hlrt_ogg_read_cb, hlrt_ogg_seek_cb, NULL, hlrt_ogg_tell_cb };
    hlrt_ogg *o = calloc(1, sizeof(hlrt_ogg));
    if (!o) return NULL;
    o->bytes = bytes;
    o->size = size;
    if (ov_open_callbacks(o, &o->f, NULL, 0, cb) != 0) {
        /* ov_open_callbacks clears what it set up on failure. */
        free(o);
        return NULL;
    }
    return o;
}

void hlrt_ogg_close(hlrt_ogg *o) {
    ov_clear(&o->f);
    free(o);
}

/* ogg_info: bitrate, rate and channels of ov_info(-1), samples of ov_pcm_total(-1). */
void hlrt_ogg_info(hlrt_ogg *o, int *bitrate, int *freq, int *samples, int *channels) {
    vorbis_info *i = ov_info(&o->f, -1);
    *bitrate = (int)i->bitrate_nominal;
    *freq = (int)i->rate;
    *channels = i->channels;
    *samples = (int)ov_pcm_total(&o->f, -1);
}

int hlrt_ogg_tell(hlrt_ogg *o) {
    return (int)ov_pcm_tell(&o->f);
}

int hlrt_ogg_seek(hlrt_ogg *o, int sample) {
    return ov_pcm_seek(&o->f, sample) == 0;
}

long hlrt_ogg_read(hlrt_ogg *o, char *out, int size, int bigendian, int word, int sgned) {
    return ov_read(&o->f, out, size, bigendian, word, sgned, &o->section);
}
