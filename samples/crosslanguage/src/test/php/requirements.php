<?php
// Fails with a clear message unless the gearman extension is loaded.
if (!class_exists('GearmanClient') || !class_exists('GearmanWorker')) {
    fwrite(STDERR, "PHP's gearman extension is missing: apt-get install php-cli php-gearman\n");
    exit(1);
}
echo 'gearman extension ', phpversion('gearman'), "\n";
