#!/usr/bin/perl
# A Gearman::Worker (Debian libgearman-client-perl) over TLS (IO::Socket::SSL), for the TLS interop tests.
# usage: perl-worker.pl HOST PORT CA_FILE CERT_FILE|- KEY_FILE|- FUNCTION JOBS
# Registers FUNCTION (it reverses its payload), does JOBS jobs, prints done=JOBS and exits 0. Gearman::Worker dies
# on an ERROR packet, e.g. when the server refuses the registration.
use strict;
use warnings;
use Gearman::Worker;

my ($host, $port, $ca, $cert, $key, $function, $jobs) = @ARGV;
my %server = (host => $host, port => $port, use_ssl => 1, ca_file => $ca);
if ($cert ne '-') {
    $server{cert_file} = $cert;
    $server{key_file}  = $key;
}
$| = 1;
my $worker = Gearman::Worker->new(job_servers => [\%server]);
$worker->register_function($function => sub { return scalar reverse $_[0]->arg; });
my $done = 0;
$worker->work(on_complete => sub { $done++ }, stop_if => sub { return $done >= $jobs; });
print "done=$done\n";
exit 0;
