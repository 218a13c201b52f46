/*
 * gearload: the benchmark scenarios the shared libgearman load generator does not cover, on raw sockets so
 * that a million queued jobs or ten thousand connections cost the driver almost nothing.
 *
 *   gearload fill  HOST PORT FN N SIZE                 queue N background jobs of SIZE bytes, pipelined
 *   gearload drain HOST PORT FN N WORKERS MAX_S        drain FN with WORKERS echo workers while a probe client
 *                                                      runs sequential foreground jobs on another function
 *   gearload idle  HOST PORT CONNS HOLD_S SERVER_PID   hold CONNS idle connections (each proven live with one
 *                                                      ECHO_REQ), measure the server's RSS and CPU while they
 *                                                      sit idle, then run the probe for HOLD_S seconds
 *   gearload retry HOST PORT FN N WORKERS FAIL_PCT MAX_S
 *                                                      WORKERS workers fail (WORK_FAIL) the first attempt of
 *                                                      FAIL_PCT% of N background jobs and complete the rest;
 *                                                      jobs/s from the first submission until all N completed
 *                                                      (the server's retry policy runs the failed ones again)
 *
 * Output is key=value lines. Build: gcc -O2 -o gearload gearload.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	CAN_DO = 1, PRE_SLEEP = 4, NOOP = 6, SUBMIT_JOB = 7, JOB_CREATED = 8, GRAB_JOB = 9, NO_JOB = 10,
	JOB_ASSIGN = 11, WORK_COMPLETE = 13, WORK_FAIL = 14, ECHO_REQ = 16, ECHO_RES = 17, SUBMIT_JOB_BG = 18,
	ERROR = 19
};

struct shared {
	volatile uint64_t done;
	volatile int stop;
};

static struct shared *shm;

/* retry scenario: jobs whose first attempt failed already, one bit per job index, shared by the workers */
static volatile uint8_t *failed_once;
static long failed_once_jobs;
static int fail_pct;
static const char *g_host;
static int g_port;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "gearload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int connect_to(int quiet)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		if (quiet)
			return -1;
		die("socket");
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(g_port) };
	inet_pton(AF_INET, g_host, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (quiet) {
			close(fd);
			return -1;
		}
		die("connect");
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* ---- buffered packet I/O ------------------------------------------------ */

struct conn {
	int fd;
	char *buf;
	size_t cap, start, end;
};

struct packet {
	uint32_t type;
	uint32_t size;
	char *payload; /* valid until the next read on the connection */
};

static void conn_init(struct conn *c, int fd)
{
	c->fd = fd;
	c->cap = 1 << 16;
	c->buf = malloc(c->cap);
	c->start = c->end = 0;
}

static int fill_at_least(struct conn *c, size_t need)
{
	if (c->end - c->start >= need)
		return 1;
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (need > c->cap) {
		c->cap = need;
		c->buf = realloc(c->buf, c->cap);
	}
	while (c->end < need) {
		ssize_t n = read(c->fd, c->buf + c->end, c->cap - c->end);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return 0;
		}
		c->end += (size_t)n;
	}
	return 1;
}

static int read_packet(struct conn *c, struct packet *p)
{
	if (!fill_at_least(c, 12))
		return 0;
	uint32_t h[3];
	memcpy(h, c->buf + c->start, 12);
	p->type = ntohl(h[1]);
	p->size = ntohl(h[2]);
	if (!fill_at_least(c, 12 + (size_t)p->size))
		return 0;
	p->payload = c->buf + c->start + 12;
	c->start += 12 + p->size;
	return 1;
}

static size_t put_packet(char *out, uint32_t type, const char *args, size_t len)
{
	uint32_t h[3] = { htonl(0x00524551), htonl(type), htonl((uint32_t)len) }; /* "\0REQ" */
	memcpy(out, h, 12);
	memcpy(out + 12, args, len);
	return 12 + len;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		p += w;
		n -= (size_t)w;
	}
}

static void send_packet(int fd, uint32_t type, const char *args, size_t len)
{
	char *out = malloc(12 + len);
	write_all(fd, out, put_packet(out, type, args, len));
	free(out);
}

/* ---- echo worker: GRAB_JOB, echo the data back, sleep with PRE_SLEEP when idle --------------------------- */

/* Whether this attempt of the job whose data is its decimal index must fail: the first attempt of FAIL_PCT%. */
static int fails_first(const char *data, size_t len)
{
	long index = 0;
	for (size_t i = 0; i < len && data[i] >= '0' && data[i] <= '9'; i++)
		index = index * 10 + (data[i] - '0');
	if (index < 0 || index >= failed_once_jobs || index % 100 >= fail_pct)
		return 0;
	uint8_t bit = (uint8_t)(1u << (index & 7));
	return (__atomic_fetch_or(&failed_once[index >> 3], bit, __ATOMIC_RELAXED) & bit) == 0;
}

static void worker_main(const char *fn, int count)
{
	struct conn c;
	conn_init(&c, connect_to(0));
	send_packet(c.fd, CAN_DO, fn, strlen(fn));
	char *out = malloc(1 << 16);
	size_t outcap = 1 << 16;
	send_packet(c.fd, GRAB_JOB, "", 0);
	struct packet p;
	while (!shm->stop) {
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };
		if (c.end == c.start && poll(&pfd, 1, 100) == 0)
			continue;
		if (!read_packet(&c, &p))
			break;
		if (p.type == NO_JOB) {
			send_packet(c.fd, PRE_SLEEP, "", 0);
		}
		else if (p.type == NOOP) {
			send_packet(c.fd, GRAB_JOB, "", 0);
		}
		else if (p.type == JOB_ASSIGN) {
			/* handle\0fn\0data -> WORK_COMPLETE handle\0data, then the next GRAB_JOB in the same write */
			size_t hlen = strnlen(p.payload, p.size);
			char *rest = memchr(p.payload + hlen + 1, 0, p.size - hlen - 1);
			size_t dlen = p.size - (size_t)(rest + 1 - p.payload);
			if (failed_once != NULL && fails_first(rest + 1, dlen)) {
				/* WORK_FAIL handle, and the next GRAB_JOB in the same write */
				size_t n = put_packet(out, WORK_FAIL, p.payload, hlen);
				n += put_packet(out + n, GRAB_JOB, "", 0);
				write_all(c.fd, out, n);
				continue;
			}
			size_t need = 24 + hlen + 1 + dlen;
			if (need > outcap) {
				outcap = need;
				out = realloc(out, outcap);
			}
			size_t n = 0;
			uint32_t h[3] = { htonl(0x00524551), htonl(WORK_COMPLETE), htonl((uint32_t)(hlen + 1 + dlen)) };
			memcpy(out, h, 12);
			memcpy(out + 12, p.payload, hlen + 1);
			memcpy(out + 12 + hlen + 1, rest + 1, dlen);
			n = 12 + hlen + 1 + dlen;
			n += put_packet(out + n, GRAB_JOB, "", 0);
			if (count)
				__atomic_fetch_add(&shm->done, 1, __ATOMIC_RELAXED);
			write_all(c.fd, out, n);
		}
		else if (p.type == ERROR) {
			fprintf(stderr, "gearload: worker got ERROR\n");
			break;
		}
	}
	_exit(0);
}

static pid_t start_worker(const char *fn, int count)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		worker_main(fn, count);
	return pid;
}

static void stop_children(pid_t *pids, int n)
{
	shm->stop = 1;
	for (int i = 0; i < n; i++) {
		int st;
		double deadline = now() + 3;
		while (waitpid(pids[i], &st, WNOHANG) == 0) {
			if (now() > deadline) {
				kill(pids[i], SIGKILL); /* our own child */
				waitpid(pids[i], &st, 0);
				break;
			}
			usleep(10000);
		}
	}
}

/* ---- probe: sequential 16-byte foreground jobs, latency per job ------------------------------------------ */

struct probe {
	double *lat;
	long n, cap;
	struct conn c;
	const char *fn;
	long seq;
};

static void probe_init(struct probe *pr, const char *fn)
{
	pr->cap = 1 << 20;
	pr->lat = malloc(sizeof(double) * (size_t)pr->cap);
	pr->n = 0;
	pr->fn = fn;
	pr->seq = 0;
	conn_init(&pr->c, connect_to(0));
}

static void probe_one(struct probe *pr)
{
	char args[256];
	int len = snprintf(args, sizeof args, "%s%c%s-%d-%ld%c0123456789abcdef", pr->fn, 0, pr->fn, (int)getpid(),
			pr->seq++, 0);
	double t0 = now();
	send_packet(pr->c.fd, SUBMIT_JOB, args, (size_t)len);
	struct packet p;
	for (;;) {
		if (!read_packet(&pr->c, &p)) {
			fprintf(stderr, "gearload: probe connection closed\n");
			exit(1);
		}
		if (p.type == WORK_COMPLETE)
			break;
		if (p.type == ERROR) {
			fprintf(stderr, "gearload: probe got ERROR\n");
			exit(1);
		}
	}
	if (pr->n < pr->cap)
		pr->lat[pr->n++] = (now() - t0) * 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void probe_report(struct probe *pr, const char *tag, double seconds)
{
	qsort(pr->lat, (size_t)pr->n, sizeof(double), cmp_double);
	double p50 = pr->n ? pr->lat[pr->n / 2] : 0, p99 = pr->n ? pr->lat[(long)(pr->n * 0.99)] : 0;
	double max = pr->n ? pr->lat[pr->n - 1] : 0;
	printf("%s_probe_jobs=%ld\n%s_probe_jobs_per_s=%.0f\n", tag, pr->n, tag, pr->n / seconds);
	printf("%s_probe_p50_us=%.0f\n%s_probe_p99_us=%.0f\n%s_probe_max_us=%.0f\n", tag, p50, tag, p99, tag, max);
}

/* ---- scenarios ----------------------------------------------------------------------------------------- */

static int cmd_fill(const char *fn, long n, int size)
{
	struct conn c;
	conn_init(&c, connect_to(0));
	const int batch = 1000;
	char *out = malloc((size_t)batch * (size_t)(12 + 256 + size));
	char *data = malloc((size_t)size);
	memset(data, 'x', (size_t)size);
	char args[512 + 65536];
	double t0 = now();
	for (long i = 0; i < n; i += batch) {
		size_t len = 0;
		long m = (n - i < batch) ? n - i : batch;
		for (long j = 0; j < m; j++) {
			int a = snprintf(args, 512, "%s%c%ld", fn, 0, i + j);
			args[a++] = 0;
			memcpy(args + a, data, (size_t)size);
			len += put_packet(out + len, SUBMIT_JOB_BG, args, (size_t)a + (size_t)size);
		}
		write_all(c.fd, out, len);
		for (long j = 0; j < m; j++) {
			struct packet p;
			if (!read_packet(&c, &p) || p.type != JOB_CREATED) {
				fprintf(stderr, "gearload: fill: no JOB_CREATED for job %ld\n", i + j);
				return 1;
			}
		}
	}
	double s = now() - t0;
	printf("fill_jobs=%ld\nfill_seconds=%.3f\nfill_jobs_per_s=%.0f\n", n, s, n / s);
	return 0;
}

static int cmd_drain(const char *fn, long n, int workers, double max_s)
{
	char probe_fn[160];
	snprintf(probe_fn, sizeof probe_fn, "%s_probe", fn);
	pid_t pids[66];
	if (workers > 64)
		workers = 64;
	pids[0] = start_worker(probe_fn, 0);
	usleep(200000);
	struct probe pr;
	probe_init(&pr, probe_fn);
	probe_one(&pr); /* the probe path works before the drain starts */
	pr.n = 0;
	double t0 = now();
	for (int i = 0; i < workers; i++)
		pids[1 + i] = start_worker(fn, 1);
	while (shm->done < (uint64_t)n && now() - t0 < max_s) {
		probe_one(&pr);
		usleep(1000);
	}
	double s = now() - t0;
	uint64_t done = shm->done;
	stop_children(pids, workers + 1);
	printf("drain_jobs=%llu\ndrain_seconds=%.3f\ndrain_jobs_per_s=%.0f\n", (unsigned long long)done, s, done / s);
	probe_report(&pr, "drain", s);
	return 0;
}

static int cmd_retry(const char *fn, long n, int workers, int pct, double max_s)
{
	failed_once_jobs = n;
	fail_pct = pct;
	failed_once = mmap(NULL, (size_t)(n / 8 + 1), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (failed_once == MAP_FAILED)
		die("mmap");
	pid_t pids[64];
	if (workers > 64)
		workers = 64;
	for (int i = 0; i < workers; i++)
		pids[i] = start_worker(fn, 1);
	usleep(200000);
	struct conn c;
	conn_init(&c, connect_to(0));
	const int batch = 1000;
	char *out = malloc((size_t)batch * 600);
	char args[512];
	double t0 = now();
	for (long i = 0; i < n; i += batch) {
		size_t len = 0;
		long m = (n - i < batch) ? n - i : batch;
		for (long j = 0; j < m; j++) {
			/* function, unique id and data: the job's index */
			int a = snprintf(args, sizeof args, "%s%c%ld%c%ld", fn, 0, i + j, 0, i + j);
			len += put_packet(out + len, SUBMIT_JOB_BG, args, (size_t)a);
		}
		write_all(c.fd, out, len);
		for (long j = 0; j < m; j++) {
			struct packet p;
			if (!read_packet(&c, &p) || p.type != JOB_CREATED) {
				fprintf(stderr, "gearload: retry: no JOB_CREATED for job %ld\n", i + j);
				return 1;
			}
		}
	}
	double submitted = now() - t0;
	while (shm->done < (uint64_t)n && now() - t0 < max_s)
		usleep(1000);
	double s = now() - t0;
	uint64_t done = shm->done;
	stop_children(pids, workers);
	long failed = 0;
	for (long i = 0; i < n; i++)
		failed += (failed_once[i >> 3] >> (i & 7)) & 1;
	printf("retry_jobs=%llu\nretry_failed_once=%ld\nretry_submit_seconds=%.3f\n", (unsigned long long)done, failed,
			submitted);
	printf("retry_seconds=%.3f\nretry_jobs_per_s=%.0f\n", s, done / s);
	return (done == (uint64_t)n) ? 0 : 1;
}

static long rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* user + system CPU seconds the process has used */
static double cpu_seconds(int pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	unsigned long ut = 0, st = 0;
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* sends one ECHO_REQ on every connection and counts the answers that arrive within max_s seconds in all */
static int prove_live(int *fds, int n, double max_s)
{
	struct pollfd *pfds = calloc((size_t)n, sizeof *pfds);
	for (int i = 0; i < n; i++) {
		send_packet(fds[i], ECHO_REQ, "ping", 4);
		pfds[i].fd = fds[i];
		pfds[i].events = POLLIN;
	}
	int live = 0, pending = n;
	double deadline = now() + max_s;
	while (pending > 0 && now() < deadline) {
		if (poll(pfds, (nfds_t)n, 200) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			if (pfds[i].fd >= 0 && (pfds[i].revents & (POLLIN | POLLERR | POLLHUP))) {
				char buf[64];
				if (read(pfds[i].fd, buf, sizeof buf) >= 16 && buf[7] == ECHO_RES)
					live++;
				pfds[i].fd = -1; /* poll ignores it from now on */
				pending--;
			}
		}
	}
	free(pfds);
	return live;
}

static int cmd_idle(int conns, double hold_s, int server_pid)
{
	long rss_before = rss_kib(server_pid);
	int *fds = malloc(sizeof(int) * (size_t)conns);
	int open = 0;
	double t0 = now();
	for (int i = 0; i < conns; i++) {
		fds[i] = connect_to(1);
		if (fds[i] < 0)
			break;
		open++;
	}
	double connect_s = now() - t0;
	/* prove every connection is served: one ECHO_REQ each, all answered */
	int live = prove_live(fds, open, 30);
	printf("idle_connections_requested=%d\nidle_connections_open=%d\nidle_connections_live=%d\n", conns, open,
			live);
	printf("idle_connect_seconds=%.3f\n", connect_s);
	/* the server's cost of holding them: memory, and CPU over a quiet period (after the burst has settled) */
	sleep(2);
	double cpu0 = cpu_seconds(server_pid), q0 = now();
	sleep(3);
	double cpu_pct = 100 * (cpu_seconds(server_pid) - cpu0) / (now() - q0);
	long rss_held = rss_kib(server_pid);
	printf("idle_rss_before_mib=%.1f\nidle_rss_held_mib=%.1f\nidle_quiet_cpu_pct=%.2f\n", rss_before / 1024.0,
			rss_held / 1024.0, cpu_pct);
	fflush(stdout);
	pid_t pids[1];
	pids[0] = start_worker("gearload_idle_probe", 0);
	usleep(200000);
	struct probe pr;
	probe_init(&pr, "gearload_idle_probe");
	double t1 = now();
	while (now() - t1 < hold_s)
		probe_one(&pr);
	double s = now() - t1;
	stop_children(pids, 1);
	probe_report(&pr, "idle", s);
	/* still held at the end? */
	int still = prove_live(fds, open, 30);
	for (int i = 0; i < open; i++)
		close(fds[i]);
	printf("idle_connections_live_after=%d\n", still);
	return (live == conns && still == conns) ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: gearload fill|drain|idle|retry HOST PORT ...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	g_host = argv[2];
	g_port = atoi(argv[3]);
	shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		die("mmap");
	int rc;
	if (!strcmp(argv[1], "fill") && argc == 7)
		rc = cmd_fill(argv[4], atol(argv[5]), atoi(argv[6]));
	else if (!strcmp(argv[1], "drain") && argc == 8)
		rc = cmd_drain(argv[4], atol(argv[5]), atoi(argv[6]), atof(argv[7]));
	else if (!strcmp(argv[1], "idle") && argc == 7)
		rc = cmd_idle(atoi(argv[4]), atof(argv[5]), atoi(argv[6]));
	else if (!strcmp(argv[1], "retry") && argc == 9)
		rc = cmd_retry(argv[4], atol(argv[5]), atoi(argv[6]), atoi(argv[7]), atof(argv[8]));
	else {
		fprintf(stderr, "gearload: bad arguments\n");
		return 2;
	}
	fflush(stdout);
	return rc;
}
