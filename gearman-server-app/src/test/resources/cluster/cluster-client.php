<?php
// Client for dev.gearman.server.app.ClusterIT (PHP's gearman extension on libgearman): submits COUNT background
// jobs to one server, unique and payload PREFIX-i, at most one per PAUSE_MS, and appends "ack unique handle" to OUT
// for each JOB_CREATED. It stops at the first failure (its server is gone), printing "failed rc" to OUT.
// usage: php cluster-client.php HOST PORT FUNCTION PREFIX COUNT PAUSE_MS OUT
if ($argc < 8) {
    fwrite(STDERR, "usage: php cluster-client.php HOST PORT FUNCTION PREFIX COUNT PAUSE_MS OUT\n");
    exit(2);
}
[$host, $port, $function, $prefix, $count, $pauseMs, $out] =
    [$argv[1], (int) $argv[2], $argv[3], $argv[4], (int) $argv[5], (int) $argv[6], $argv[7]];
$client = new GearmanClient();
$client->addServer($host, $port);
$client->setTimeout(5000);
$file = fopen($out, 'a');
for ($i = 0; $i < $count; $i++) {
    $unique = $prefix . '-' . $i;
    $handle = @$client->doBackground($function, $unique, $unique);
    if ($client->returnCode() != GEARMAN_SUCCESS || $handle === '') {
        fwrite($file, 'failed ' . $client->returnCode() . "\n");
        fclose($file);
        exit(0);
    }
    fwrite($file, 'ack ' . $unique . ' ' . $handle . "\n");
    fflush($file);
    if ($pauseMs > 0) {
        usleep($pauseMs * 1000);
    }
}
fwrite($file, "done\n");
fclose($file);
