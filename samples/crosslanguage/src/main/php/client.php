<?php
// A PHP client calling the Java worker "greet" (GreetingWorker) with a JSON workload.
// Needs php-cli and the gearman extension (Debian: apt-get install php-cli php-gearman).
// usage: php client.php [HOST] [PORT] [NAME]
$host = $argv[1] ?? '127.0.0.1';
$port = (int) ($argv[2] ?? 4730);
$name = $argv[3] ?? 'World';

$client = new GearmanClient();
$client->addServer($host, $port);
$client->setTimeout(20000);

$result = $client->doNormal('greet', json_encode(['name' => $name]));
if ($client->returnCode() !== GEARMAN_SUCCESS) {
    fwrite(STDERR, 'greet failed: ' . $client->error() . "\n");
    exit(1);
}
$greeting = json_decode($result, true);
echo $greeting['message'], "\n";
