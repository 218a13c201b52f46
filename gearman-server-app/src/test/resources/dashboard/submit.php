<?php
// Background jobs for the dashboard's page tests, from PHP's gearman extension (libgearman).
// usage: php submit.php HOST PORT FUNCTION COUNT PAYLOAD [UNIQUE_PREFIX] [high|normal|low]
// Submits COUNT background jobs (doBackground/doHighBackground/doLowBackground) and prints one "handle=H:..." line
// per job; with UNIQUE_PREFIX the unique ids are UNIQUE_PREFIX1, UNIQUE_PREFIX2, ...
if ($argc < 6) {
    fwrite(STDERR, "usage: php submit.php HOST PORT FUNCTION COUNT PAYLOAD [UNIQUE_PREFIX] [high|normal|low]\n");
    exit(2);
}
[$host, $port, $function, $count, $payload] = [$argv[1], (int) $argv[2], $argv[3], (int) $argv[4], $argv[5]];
$prefix = $argv[6] ?? '';
$method = ['high' => 'doHighBackground', 'normal' => 'doBackground', 'low' => 'doLowBackground'][$argv[7] ?? 'normal'];
$client = new GearmanClient();
$client->addServer($host, $port);
$client->setTimeout(25000);
for ($i = 1; $i <= $count; $i++) {
    $handle = $client->$method($function, $payload, $prefix === '' ? null : $prefix . $i);
    if ($client->returnCode() != GEARMAN_SUCCESS) {
        fwrite(STDERR, "job $i: " . $client->error() . "\n");
        exit(1);
    }
    echo 'handle=', $handle, "\n";
}
