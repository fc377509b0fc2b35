-- bench/introspect.sh: POST /oauth/introspect (RFC 7662) with HTTP Basic client authentication, rotating over
-- the tokens of $TOKENS_FILE (one a line: live access tokens, live refresh tokens, forged and unknown ones).
-- Each wrk thread starts at its own place in the list; the requests are built once, in init.
local auth = os.getenv("INTROSPECT_AUTH")
local requests = {}
local i = 0

function init(args)
    for line in io.lines(os.getenv("TOKENS_FILE")) do
        requests[#requests + 1] = wrk.format("POST", "/oauth/introspect",
            {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth}, "token=" .. line)
    end
    i = math.random(#requests)
end

function request()
    i = i % #requests + 1
    return requests[i]
end
