<?php
// Worker for dev.gearman.server.app.ClusterIT (PHP's gearman extension on libgearman), connected to every server
// given: runs each job for SLEEP_MS and appends "unique handle start_ms end_ms" to LOG, one line per run.
// usage: php cluster-worker.php LOG FUNCTION SLEEP_MS HOST:PORT[,HOST:PORT...]
if ($argc < 5) {
    fwrite(STDERR, "usage: php cluster-worker.php LOG FUNCTION SLEEP_MS HOST:PORT[,HOST:PORT...]\n");
    exit(2);
}
[$log, $function, $sleepMs, $servers] = [$argv[1], $argv[2], (int) $argv[3], $argv[4]];
$worker = new GearmanWorker();
$worker->addServers($servers);
// a server that is gone must not hold the others up: work() returns after this many ms without a job
$worker->setTimeout(1000);
$worker->addFunction($function, function (GearmanJob $job) use ($log, $sleepMs) {
    $start = (int) round(microtime(true) * 1000);
    usleep($sleepMs * 1000);
    $end = (int) round(microtime(true) * 1000);
    file_put_contents($log, $job->unique() . ' ' . $job->handle() . ' ' . $start . ' ' . $end . "\n",
        FILE_APPEND | LOCK_EX);
    return '';
});
while (true) {
    if (!@$worker->work()) {
        // GEARMAN_TIMEOUT, a lost server, a server not up yet: the test decides when this worker ends
        if ($worker->returnCode() != GEARMAN_TIMEOUT) {
            usleep(100000);
        }
    }
}
