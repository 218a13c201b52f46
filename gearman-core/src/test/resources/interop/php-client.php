<?php
// Client for dev.gearman.server.interop.PhpInteropTests (PHP's gearman extension on libgearman).
// Prints key=value lines; a key may repeat.
// usage: php php-client.php HOST PORT MODE ARGS...
//   do high|normal|low FN DATA      doHigh/doNormal/doLow -> rc, rcname, result
//   dofile FN IN OUT                doNormal with IN's bytes, result written to OUT -> rc, rcname, length
//   bg FN DATA                      doBackground -> rc, handle
//   status HANDLE                   jobStatus -> status (JSON)
//   pollstatus HANDLE NUM DEN SECS  jobStatus until [true,true,NUM,DEN] -> ok, seen (each distinct status)
//   pollgone HANDLE SECS            jobStatus until the job is unknown -> ok, seen
//   tasks FN DATA                   addTask with every callback, runTasks -> ok, rcname, log (one per callback)
if ($argc < 4) {
    fwrite(STDERR, "usage: php php-client.php HOST PORT MODE ARGS...\n");
    exit(2);
}
[$host, $port, $mode] = [$argv[1], (int) $argv[2], $argv[3]];
$a = array_slice($argv, 4);
$client = new GearmanClient();
$client->addServer($host, $port);
$client->setTimeout(25000);

function out($key, $value) {
    echo $key, '=', $value, "\n";
}

function rcname($rc) {
    $names = [GEARMAN_SUCCESS => 'SUCCESS', GEARMAN_WORK_EXCEPTION => 'WORK_EXCEPTION',
        GEARMAN_WORK_FAIL => 'WORK_FAIL', GEARMAN_TIMEOUT => 'TIMEOUT'];
    return $names[$rc] ?? "rc$rc";
}

function poll($client, $handle, $seconds, $done) {
    $deadline = microtime(true) + (float) $seconds;
    $seen = [];
    while (microtime(true) < $deadline) {
        $status = json_encode($client->jobStatus($handle));
        if (!in_array($status, $seen, true)) {
            $seen[] = $status;
            out('seen', $status);
        }
        if ($done(json_decode($status))) {
            out('ok', 'true');
            return;
        }
        usleep(10000);
    }
    out('ok', 'false');
}

switch ($mode) {
    case 'do':
        [$priority, $function, $data] = $a;
        $method = ['high' => 'doHigh', 'normal' => 'doNormal', 'low' => 'doLow'][$priority];
        $result = @$client->$method($function, $data);
        out('rc', $client->returnCode());
        out('rcname', rcname($client->returnCode()));
        out('result', $result);
        break;
    case 'dofile':
        [$function, $in, $outFile] = $a;
        $result = @$client->doNormal($function, file_get_contents($in));
        out('rcname', rcname($client->returnCode()));
        out('length', strlen($result));
        file_put_contents($outFile, $result);
        break;
    case 'bg':
        $handle = $client->doBackground($a[0], $a[1]);
        out('rcname', rcname($client->returnCode()));
        out('handle', $handle);
        break;
    case 'status':
        out('status', json_encode($client->jobStatus($a[0])));
        break;
    case 'pollstatus':
        [$handle, $num, $den, $seconds] = $a;
        poll($client, $handle, $seconds, function ($s) use ($num, $den) {
            return $s[0] && $s[1] && $s[2] == $num && $s[3] == $den;
        });
        break;
    case 'pollgone':
        poll($client, $a[0], $a[1], function ($s) {
            return !$s[0];
        });
        break;
    case 'tasks':
        $log = function ($entry) {
            out('log', $entry);
        };
        $client->setCreatedCallback(function ($t) use ($log) { $log('CREATED'); });
        $client->setDataCallback(function ($t) use ($log) { $log('DATA:' . $t->data()); });
        $client->setWarningCallback(function ($t) use ($log) { $log('WARNING:' . $t->data()); });
        $client->setStatusCallback(function ($t) use ($log) {
            $log('STATUS:' . $t->taskNumerator() . '/' . $t->taskDenominator());
        });
        $client->setExceptionCallback(function ($t) use ($log) { $log('EXCEPTION:' . $t->data()); });
        $client->setFailCallback(function ($t) use ($log) { $log('FAIL'); });
        $client->setCompleteCallback(function ($t) use ($log) { $log('COMPLETE:' . $t->data()); });
        $client->addTask($a[0], $a[1]);
        $ok = @$client->runTasks();
        out('ok', $ok ? 'true' : 'false');
        out('rcname', rcname($client->returnCode()));
        break;
    default:
        fwrite(STDERR, "unknown mode $mode\n");
        exit(2);
}
