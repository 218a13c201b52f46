#!/usr/bin/perl
# A Gearman::Client (Debian libgearman-client-perl) over TLS (IO::Socket::SSL), for the TLS interop tests.
# usage: perl-client.pl HOST PORT CA_FILE CERT_FILE|- KEY_FILE|- FUNCTION PAYLOAD
# Prints result=... and exits 0, or failed=1 and exits 2. The server's certificate is verified against CA_FILE,
# host name included; a client certificate is sent when CERT_FILE and KEY_FILE are given.
use strict;
use warnings;
use Gearman::Client;

my ($host, $port, $ca, $cert, $key, $function, $payload) = @ARGV;
my %server = (host => $host, port => $port, use_ssl => 1, ca_file => $ca);
if ($cert ne '-') {
    $server{cert_file} = $cert;
    $server{key_file}  = $key;
}
$| = 1;
my $client = Gearman::Client->new(job_servers => [\%server]);
my $result = $client->do_task($function, $payload, { timeout => 10 });
if (defined $result) {
    print "result=$$result\n";
    exit 0;
}
print "failed=1\n";
exit 2;
