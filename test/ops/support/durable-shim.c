/*
 * LD_PRELOAD shim for the power-cut test (issue 13, item 6). A power cut keeps what a completed
 * fsync/fdatasync made durable and may lose every write after it. So at each successful fsync or
 * fdatasync of a file directly in $VGW_DURABLE_DIR, the file's whole content is copied (through the
 * same fd with pread: opening and closing a second fd would drop SQLite's POSIX locks) to
 * $VGW_DURABLE_SHADOW/<name>, atomically (tmp + rename, so a SIGKILL mid-copy leaves the previous
 * image). A new file's directory entry survives only once the directory itself was fsynced (SQLite
 * does that for a new WAL): an fsync of $VGW_DURABLE_DIR marks each file imaged so far with
 * <name>.entry. The shadow directory is then the disk as a power cut at that instant would leave it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void mark_entries(const char *shadow) {
  DIR *d = opendir(shadow);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.' || (l > 4 && strcmp(e->d_name + l - 4, ".tmp") == 0) || (l > 6 && strcmp(e->d_name + l - 6, ".entry") == 0)) continue;
    char m[PATH_MAX];
    snprintf(m, sizeof m, "%s/%s.entry", shadow, e->d_name);
    int fd = open(m, O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) close(fd);
  }
  closedir(d);
}

static void image(int fd) {
  const char *dir = getenv("VGW_DURABLE_DIR");
  const char *shadow = getenv("VGW_DURABLE_SHADOW");
  if (!dir || !shadow) return;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = 0;
  size_t dl = strlen(dir);
  if (strcmp(path, dir) == 0) {
    mark_entries(shadow);
    return;
  }
  if (strncmp(path, dir, dl) != 0 || path[dl] != '/' || strchr(path + dl + 1, '/')) return;
  const char *name = path + dl + 1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  char tmp[PATH_MAX], dst[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s/%s.tmp", shadow, name);
  snprintf(dst, sizeof dst, "%s/%s", shadow, name);
  int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0) return;
  char buf[65536];
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t r = pread(fd, buf, sizeof buf, off);
    if (r <= 0) break;
    if (write(out, buf, (size_t)r) != r) break;
    off += r;
  }
  close(out);
  rename(tmp, dst);
}

/* A completed sync makes the file's current content the durable image; errno stays the real call's. */
static int after_sync(int fd, int rc) {
  if (rc == 0) {
    int saved = errno;
    image(fd);
    errno = saved;
  }
  return rc;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  return after_sync(fd, real(fd));
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  return after_sync(fd, real(fd));
}
