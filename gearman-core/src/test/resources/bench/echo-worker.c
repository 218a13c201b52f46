/*
 * Echo worker on libgearman for dev.gearman.bench.ClientOverheadBench: the same kind of worker the C bench in
 * ../shared/tools/bench uses, so that both clients are measured against identical workers.
 * usage: echo-worker HOST PORT FUNCTION     (runs until SIGTERM)
 * build: gcc -O2 -o echo-worker echo-worker.c -lgearman
 */
#include <libgearman-1.0/gearman.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
  (void)sig;
  stop = 1;
}

static void *echo(gearman_job_st *job, void *context, size_t *size, gearman_return_t *ret)
{
  (void)context;
  size_t n = gearman_job_workload_size(job);
  void *r = malloc(n ? n : 1);
  if (r == NULL) {
    *ret = GEARMAN_WORK_FAIL;
    return NULL;
  }
  memcpy(r, gearman_job_workload(job), n);
  *size = n;
  *ret = GEARMAN_SUCCESS;
  return r;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: echo-worker HOST PORT FUNCTION\n");
    return 2;
  }
  signal(SIGTERM, on_term);
  gearman_worker_st *w = gearman_worker_create(NULL);
  if (w == NULL || gearman_failed(gearman_worker_add_server(w, argv[1], (in_port_t)atoi(argv[2])))
      || gearman_failed(gearman_worker_add_function(w, argv[3], 0, echo, NULL))) {
    fprintf(stderr, "echo-worker: setup failed\n");
    return 1;
  }
  gearman_worker_set_timeout(w, 200);
  while (!stop) {
    gearman_return_t rc = gearman_worker_work(w);
    if (rc == GEARMAN_SUCCESS || rc == GEARMAN_TIMEOUT || rc == GEARMAN_IO_WAIT || rc == GEARMAN_NO_JOBS)
      continue;
    if (!stop) {
      fprintf(stderr, "echo-worker: %s\n", gearman_worker_error(w));
      return 1;
    }
  }
  gearman_worker_free(w);
  return 0;
}
