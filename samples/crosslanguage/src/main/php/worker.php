<?php
// A PHP worker serving "md5" for clients in any language, e.g. the Java Md5Client.
// Needs php-cli and the gearman extension (Debian: apt-get install php-cli php-gearman).
// usage: php worker.php [HOST] [PORT] [JOBS]   (JOBS: exit after that many jobs; default: run until killed)
$host = $argv[1] ?? '127.0.0.1';
$port = (int) ($argv[2] ?? 4730);
$jobs = (int) ($argv[3] ?? 0);

$worker = new GearmanWorker();
$worker->addServer($host, $port);
$worker->addFunction('md5', function (GearmanJob $job) {
    return md5($job->workload());
});

echo "PHP worker serving md5 on $host:$port\n";
for ($done = 0; $jobs === 0 || $done < $jobs; $done++) {
    if (!$worker->work()) {
        fwrite(STDERR, 'work failed: ' . $worker->error() . "\n");
        exit(1);
    }
}
