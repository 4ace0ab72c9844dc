<?php
// secret-tool.php - the steps of generate-secrets.sh that need JSON or bcrypt, which the shell
// tools of the generator image (busybox, curl, openssl) do not have. Values only travel on stdin
// and stdout, never in argv.
//
//   php secret-tool.php state < secret.json     resourceVersion on line 1, then each data key, one a line
//   php secret-tool.php value KEY < secret.json  the decoded value of data[KEY], raw, on stdout
//   php secret-tool.php message < status.json    the message of a Kubernetes Status, on one line
//   php secret-tool.php bcrypt USER COST < password   the htpasswd line USER:<bcrypt hash>
//
// Exit status 1 with a message on stderr on bad input (never a value in the message).
declare(strict_types=1);

function fail(string $message): never
{
    fwrite(STDERR, "secret-tool.php: ERROR: $message\n");
    exit(1);
}

/** The JSON object on stdin. */
function read_object(): array
{
    $text = stream_get_contents(STDIN);
    $data = json_decode($text === false ? '' : $text, true);
    if (!is_array($data)) {
        fail('stdin is not a JSON object');
    }
    return $data;
}

/** The data map of the Secret on stdin: key => base64 value. */
function secret_data(array $secret): array
{
    $data = $secret['data'] ?? [];
    if (!is_array($data)) {
        fail('the Secret\'s data is not an object');
    }
    return $data;
}

$command = $argv[1] ?? '';
switch ($command) {
    case 'state':
        $secret = read_object();
        $version = $secret['metadata']['resourceVersion'] ?? '';
        if (!is_string($version) || !preg_match('/^[0-9A-Za-z._:-]+$/', $version)) {
            fail('the Secret has no usable metadata.resourceVersion');
        }
        echo $version, "\n";
        foreach (array_keys(secret_data($secret)) as $key) {
            echo $key, "\n";
        }
        break;
    case 'value':
        $key = $argv[2] ?? '';
        $data = secret_data(read_object());
        if (!array_key_exists($key, $data) || !is_string($data[$key])) {
            fail("the Secret has no key $key");
        }
        $value = base64_decode($data[$key], true);
        if ($value === false) {
            fail("the value of key $key is not base64");
        }
        echo $value;
        break;
    case 'message':
        $status = read_object();
        $message = $status['message'] ?? '(no message)';
        echo str_replace(["\r", "\n"], ' ', is_string($message) ? $message : '(no message)'), "\n";
        break;
    case 'bcrypt':
        $user = $argv[2] ?? '';
        $cost = (int) ($argv[3] ?? '0');
        if (!preg_match('/^[A-Za-z0-9._-]+$/', $user) || $cost < 4 || $cost > 31) {
            fail('usage: bcrypt USER COST (USER of letters, digits, . _ -; COST 4..31)');
        }
        $password = stream_get_contents(STDIN);
        if ($password === false || $password === '' || strlen($password) > 72 || str_contains($password, "\0")) {
            fail('the password must be 1 to 72 bytes without NUL (bcrypt reads no more)');
        }
        echo $user, ':', password_hash($password, PASSWORD_BCRYPT, ['cost' => $cost]);
        break;
    default:
        fail("unknown command '$command' (state, value, message, bcrypt)");
}
