<?php
// Worker for dev.gearman.server.interop.PhpInteropTests (PHP's gearman extension on libgearman).
// usage: php php-worker.php HOST PORT MODE FUNCTION [key=value ...]
//   count=N   exit after N jobs (default 1)
//   log=FILE  append each workload and a newline to FILE
//   go=FILE   status mode: finish the job once FILE exists
//   failures=N  flaky mode: fail (sendFail) the first N jobs (default 1)
//   timeout=N   register with CAN_DO_TIMEOUT N (our server reads milliseconds)
//   seconds=N   sleep mode: how long to sleep (default 30)
// modes:
//   reverse    return the workload reversed, byte for byte
//   log        return "done:" . workload
//   status     sendStatus(3, 7), wait for the go file, return "status-done"
//   callbacks  sendData d1, sendWarning w1, sendStatus 1/2, sendData d2, return "final"
//   exception  sendException "boom"
//   fail       sendFail
//   flaky      sendFail for the first `failures` jobs, then return "done:" . workload
//   sleep      sleep `seconds`, then return "slept"
if ($argc < 5) {
    fwrite(STDERR, "usage: php php-worker.php HOST PORT MODE FUNCTION [key=value ...]\n");
    exit(2);
}
[$host, $port, $mode, $function] = [$argv[1], (int) $argv[2], $argv[3], $argv[4]];
$options = ['count' => '1'];
foreach (array_slice($argv, 5) as $pair) {
    [$key, $value] = explode('=', $pair, 2);
    $options[$key] = $value;
}
$jobs = 0;
$worker = new GearmanWorker();
$worker->addServer($host, $port);
$worker->setTimeout(25000);
$timeout = (int) ($options['timeout'] ?? 0);
$worker->addFunction($function, function (GearmanJob $job) use ($mode, $options, &$jobs) {
    $jobs++;
    if (isset($options['log'])) {
        file_put_contents($options['log'], $job->workload() . "\n", FILE_APPEND | LOCK_EX);
    }
    switch ($mode) {
        case 'reverse':
            return strrev($job->workload());
        case 'log':
            return 'done:' . $job->workload();
        case 'status':
            $job->sendStatus(3, 7);
            $deadline = microtime(true) + 20;
            while (!file_exists($options['go']) && microtime(true) < $deadline) {
                usleep(10000);
            }
            return 'status-done';
        case 'callbacks':
            $job->sendData('d1');
            $job->sendWarning('w1');
            $job->sendStatus(1, 2);
            $job->sendData('d2');
            return 'final';
        case 'exception':
            $job->sendException('boom');
            return '';
        case 'fail':
            $job->sendFail();
            $job->setReturn(GEARMAN_WORK_FAIL);
            return '';
        case 'flaky':
            if ($jobs <= (int) ($options['failures'] ?? '1')) {
                $job->sendFail();
                $job->setReturn(GEARMAN_WORK_FAIL);
                return '';
            }
            return 'done:' . $job->workload();
        case 'sleep':
            sleep((int) ($options['seconds'] ?? '30'));
            return 'slept';
    }
    fwrite(STDERR, "unknown mode $mode\n");
    exit(2);
}, null, $timeout);
while ($jobs < (int) $options['count']) {
    if (!@$worker->work()) {
        $rc = $worker->returnCode();
        if ($rc == GEARMAN_SUCCESS || $rc == GEARMAN_WORK_FAIL || $rc == GEARMAN_WORK_EXCEPTION) {
            continue;
        }
        fwrite(STDERR, "work() failed: rc=$rc " . $worker->error() . "\n");
        exit(3);
    }
}
exit(0);
