import "@testing-library/jest-dom";
import { installFetch } from "./support/fetch";

// The api clients call the global fetch; jsdom has none. Tests route it with `setFetchHandler`.
installFetch();
